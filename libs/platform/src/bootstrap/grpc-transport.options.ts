import type { Server } from '@grpc/grpc-js';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import type { Registry } from 'prom-client';
import type { PlatformConfig } from '../config/platform-config.js';
import type { DrainableHealth } from '../grpc/drainable-health.js';
import {
  toPackageDefinition,
  type GenericServiceDefinition,
  type RequestChecks,
} from '../grpc/package-definition.js';
import { addReflection } from '../grpc/reflection.js';
import { serverObservabilityInterceptor } from '../grpc/server-observability.interceptor.js';
import { serverCredentials } from '../grpc/tls-settings.js';

/**
 * NestJS gRPC transport options with the platform's additions: ts-proto codecs, TLS settings,
 * graceful shutdown, the metrics and tracing interceptor, health and reflection on the same server.
 */
export function grpcTransportOptions(
  config: PlatformConfig,
  services: readonly GenericServiceDefinition[],
  protoFiles: readonly string[],
  health: DrainableHealth,
  registry: Registry,
  requestChecks: RequestChecks = {},
): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url: `${config.grpcHost}:${config.grpcPort}`,
      package: [...new Set(services.map((service) => service.fullName.split('.').slice(0, -1).join('.')))],
      packageDefinition: toPackageDefinition(services, requestChecks),
      credentials: serverCredentials(config.tls),
      gracefulShutdown: true,
      // Channelz bookkeeping on every call, for a debug service this platform does not serve.
      channelOptions: {
        interceptors: [serverObservabilityInterceptor(registry)],
        'grpc.enable_channelz': 0,
      },
      onLoadPackageDefinition: (_definition: unknown, server: Server) => {
        health.addToServer(server);
        addReflection(
          server,
          protoFiles,
          services.map((service) => service.fullName),
        );
      },
    },
  };
}
