import type { FastifyRequest } from 'fastify';

/**
 * Route config (Nest's `@RouteConfig`) of a route that checks health rather than serves the API
 * (`/health`, `/status`): neither timed nor traced, like the gRPC health checks (see the platform's
 * server-observability.interceptor.ts). A monitor polling it would otherwise count as traffic, and
 * `/status` answers 503 and waits up to a second whenever a downstream is down, which would show as the
 * gateway's own failures and latency.
 */
export const HEALTH_CHECK_ROUTE = { healthCheck: true } as const;

export const isHealthCheck = (request: FastifyRequest): boolean =>
  (request.routeOptions.config as { healthCheck?: boolean }).healthCheck === true;
