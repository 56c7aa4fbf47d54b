import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import {
  createLogger,
  createMetricsRegistry,
  DrainableHealth,
  grpcTransportOptions,
  installGracefulShutdown,
  listenOrExit,
  NestPinoLogger,
  PlatformModule,
  startAdminServer,
  stopTracing,
  StreamShutdown,
  watchCertificateExpiry,
} from '@iot-mesh/platform';
import { EdgeGatewayDefinition } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import type { GatewayConfig } from './config.js';
import { createDownstream } from './downstream/downstream-clients.js';
import { GatewayModule } from './gateway.module.js';
import { serveApiDocs } from './http/api-docs.js';
import { answerClientError, refuseConnect } from './http/client-errors.js';
import { MAX_PATH_SEGMENT_LENGTH, toHttpError } from './http/http-error.js';
import { HttpExceptionFilter, sendHttpError } from './http/http-exception.filter.js';
import { acceptUtf8JsonOnly } from './http/json-bodies.js';
import { NO_FASTIFY_SCHEMAS } from './http/no-fastify-schemas.js';
import { openApiDocument } from './http/openapi.js';
import { answerOversizedBodies } from './http/oversized-body.js';
import { refuseMalformedQueryEscapes } from './http/query-escapes.js';
import { refuseRequestsWhileClosing } from './http/refuse-while-closing.js';
import { refuseInputTheRouteDoesNotRead } from './http/unread-input.js';
import { measureRequests } from './http/request-metrics.js';
import { traceRequests } from './http/request-tracing.js';
import { RateLimitBackendOutages } from './rate-limit/backend-outages.js';
import { MemoryRateLimiter } from './rate-limit/memory-rate-limiter.js';

/**
 * The gateway is the one hybrid app: the platform's gRPC server (health, reflection, metrics,
 * draining) for EdgeGateway, plus the REST API on Fastify, both stopped together on SIGTERM.
 */
export async function bootstrapGateway(config: GatewayConfig): Promise<void> {
  const { platform } = config;
  const logger = createLogger(platform.serviceName, platform.logLevel);
  const registry = createMetricsRegistry(platform.serviceName);
  const health = new DrainableHealth([EdgeGatewayDefinition.fullName]);
  const certificateExpiry = watchCertificateExpiry(platform.tls, logger, registry);
  const admin = await listenOrExit('ADMIN_PORT', platform.adminPort, logger, () =>
    startAdminServer(registry, platform.adminPort, platform.adminHost),
  );
  const downstream = createDownstream(config, platform.tls, logger);
  // ioredis is loaded only when Redis is configured: 2–3 MiB of an idle gateway's RSS otherwise.
  const limiter = config.redisUrl
    ? await (
        await import('./rate-limit/redis-rate-limiter.js')
      ).RedisRateLimiter.connect(config.redisUrl, new RateLimitBackendOutages(logger, registry))
    : new MemoryRateLimiter();

  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimit,
    schemaController: NO_FASTIFY_SCHEMAS,
    // Off: a request that arrives while the gateway closes gets the API's error JSON from
    // refuseRequestsWhileClosing, not Fastify's own 503 body.
    return503OnClosing: false,
    // No trustProxy: request.ip is not read; the client address is clientAddress's (TRUSTED_PROXY_HOPS),
    // where Fastify's `true` would take the leftmost X-Forwarded-For entry, which the client writes.
    routerOptions: {
      // Long ids reach the handlers, which refuse them with a 400; past this a path is a 414.
      maxParamLength: MAX_PATH_SEGMENT_LENGTH,
      // `/api/v1/alerts/` is `/api/v1/alerts`, not a 405 naming the method it was sent with.
      ignoreTrailingSlash: true,
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) =>
      sendHttpError(reply, toHttpError(error)),
  });
  adapter.getInstance().server.on('connect', (_request, socket: Duplex) => refuseConnect(socket));
  // Before the routes are registered, so that every one of them is traced and timed.
  traceRequests(adapter.getInstance());
  measureRequests(adapter.getInstance(), registry);
  refuseRequestsWhileClosing(adapter.getInstance());
  answerOversizedBodies(adapter.getInstance(), config.http.bodyLimit);
  refuseInputTheRouteDoesNotRead(adapter.getInstance());
  refuseMalformedQueryEscapes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: class GatewayRoot {},
      imports: [
        PlatformModule.forRoot(platform, logger, registry),
        GatewayModule.register(config, downstream, limiter),
      ],
    },
    adapter,
    // Fastify's own JSON parser: it enforces bodyLimit and reports bad bodies with stable error codes.
    { logger: new NestPinoLogger(logger), bodyParser: false },
  );
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  // JSON only, in UTF-8: any other body type is 415 (Fastify would parse text/plain by default).
  adapter.getInstance().removeContentTypeParser('text/plain');
  acceptUtf8JsonOnly(adapter.getInstance());
  serveApiDocs(adapter.getInstance(), openApiDocument());

  app.connectMicroservice(
    grpcTransportOptions(
      platform,
      [EdgeGatewayDefinition],
      ['iotmesh/edge/v1/edge_gateway.proto'],
      health,
      registry,
      // A reading holding U+0000 goes on to ingestion, which refuses it alone as any other bad reading;
      // refused here, the whole stream would end.
      { refuseNulText: false },
    ),
    {
      inheritAppConfig: false,
    },
  );
  await listenOrExit('GRPC_PORT', platform.grpcPort, logger, () => app.startAllMicroservices());
  await listenOrExit('HTTP_PORT', config.http.port, logger, () =>
    app.listen(config.http.port, config.http.host),
  );

  health.setAll('SERVING');
  admin.setReady(true);
  logger.info(
    {
      grpcPort: platform.grpcPort,
      httpPort: config.http.port,
      adminPort: admin.port,
      tls: platform.tls.mode,
      rateLimits: config.redisUrl ? 'redis' : 'memory',
    },
    'serving',
  );

  installGracefulShutdown(
    {
      stopAccepting: () => {
        admin.setReady(false);
        health.drain();
        // SSE, WatchAlerts and PublishReadings end themselves (see StreamShutdown), not at the timeout.
        app.get(StreamShutdown).endAll();
      },
      drain: () => app.close(),
      release: async () => {
        downstream.close();
        await limiter.close();
        await certificateExpiry?.stop();
        await admin.close();
        await stopTracing();
      },
    },
    platform.shutdownTimeoutMs,
    logger,
    platform.parentLifelineFd,
  );
}
