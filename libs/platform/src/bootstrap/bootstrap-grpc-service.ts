import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PlatformConfig } from '../config/platform-config.js';
import { GrpcExceptionFilter } from '../errors/grpc-exception.filter.js';
import { DrainableHealth } from '../grpc/drainable-health.js';
import { StreamShutdown } from '../grpc/stream-shutdown.js';
import { startAdminServer } from '../observability/admin-server.js';
import { watchCertificateExpiry } from '../observability/certificate-expiry.js';
import { createLogger } from '../observability/logger.js';
import { createMetricsRegistry } from '../observability/metrics-registry.js';
import { stopTracing } from '../observability/tracing.js';
import type { GenericServiceDefinition, RequestChecks } from '../grpc/package-definition.js';
import { installGracefulShutdown } from './graceful-shutdown.js';
import { listenOrExit } from './listen-or-exit.js';
import { grpcTransportOptions } from './grpc-transport.options.js';
import { NestPinoLogger } from './nest-pino.logger.js';
import { PlatformModule } from './platform.module.js';

export interface GrpcServiceOptions {
  config: PlatformConfig;
  /** The service's root Nest module (its controllers and providers). */
  module: Type<unknown> | DynamicModule;
  /** ts-proto generic definitions of the gRPC services this process serves. */
  services: readonly GenericServiceDefinition[];
  /** The .proto files (relative to proto/) behind them, for server reflection. */
  protoFiles: readonly string[];
  /** What is checked of every request before its handler (see RequestChecks). */
  requestChecks?: RequestChecks;
  /** Releases the service's own resources (database pools, clients) after in-flight calls drained. */
  onShutdown?: () => Promise<void> | void;
}

export interface RunningService {
  logger: Logger;
  registry: Registry;
}

/**
 * Starts a NestJS gRPC microservice with everything the platform promises: health (Check/Watch),
 * reflection, server metrics, the admin port, JSON logs, the exception filter and graceful shutdown
 * (streams that use StreamShutdown end on it).
 */
export async function bootstrapGrpcService(options: GrpcServiceOptions): Promise<RunningService> {
  const { config, services } = options;
  const logger = createLogger(config.serviceName, config.logLevel);
  const registry = createMetricsRegistry(config.serviceName);
  const health = new DrainableHealth(services.map((service) => service.fullName));
  const certificateExpiry = watchCertificateExpiry(config.tls, logger, registry);
  const admin = await listenOrExit('ADMIN_PORT', config.adminPort, logger, () =>
    startAdminServer(registry, config.adminPort, config.adminHost),
  );

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    {
      module: class ServiceRoot {},
      imports: [PlatformModule.forRoot(config, logger, registry), options.module],
    },
    {
      logger: new NestPinoLogger(logger),
      ...grpcTransportOptions(config, services, options.protoFiles, health, registry, options.requestChecks),
    },
  );
  app.useGlobalFilters(new GrpcExceptionFilter(logger));
  await listenOrExit('GRPC_PORT', config.grpcPort, logger, () => app.listen());

  health.setAll('SERVING');
  admin.setReady(true);
  logger.info(
    {
      grpcPort: config.grpcPort,
      adminPort: admin.port,
      tls: config.tls.mode,
      services: services.map((s) => s.fullName),
    },
    'serving',
  );

  installGracefulShutdown(
    {
      stopAccepting: () => {
        admin.setReady(false);
        health.drain();
        // Open streams would hold the drain below until the timeout: they end themselves now.
        app.get(StreamShutdown).endAll();
      },
      drain: () => app.close(),
      release: async () => {
        await options.onShutdown?.();
        await certificateExpiry?.stop();
        await admin.close();
        await stopTracing();
      },
    },
    config.shutdownTimeoutMs,
    logger,
    config.parentLifelineFd,
  );
  return { logger, registry };
}
