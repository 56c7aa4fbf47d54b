import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { CLIENT_CLOSED_REQUEST, whenClientLeaves } from './client-left.js';
import { isHealthCheck } from './health-check-route.js';
import { routeLabel } from './route-label.js';

/** Route config (Nest's `@RouteConfig`) of a route whose answer is a stream the client ends, such as SSE. */
export const CLIENT_ENDED_STREAM = { clientEndedStream: true } as const;

const endedByClient = (request: FastifyRequest) =>
  (request.routeOptions.config as { clientEndedStream?: boolean }).clientEndedStream === true;

/**
 * The REST API's counterpart of grpc_server_handling_seconds: how long the gateway took over each
 * request, from its arrival to the end of the response (an SSE stream's whole life), by method, route
 * pattern and status code. Patterns rather than paths keep the series few. A request whose client left
 * before the answer was complete counts once, as status 499 with the time until it left, as gRPC counts
 * a cancelled call: those are often the slowest requests, which a hung downstream would otherwise hide
 * from every panel. A stream the client closed counts with the status it was sent with, as that is how
 * such a stream ends. Health checks are not counted (see health-check-route.ts).
 */
export function measureRequests(fastify: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time the gateway took over REST requests, from arrival to the end of the response',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const observe = (request: FastifyRequest, reply: FastifyReply, statusCode: number) => {
    const labels = {
      method: request.method,
      route: routeLabel(request, statusCode),
      status_code: String(statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isHealthCheck(request)) {
      whenClientLeaves(reply, () =>
        observe(
          request,
          reply,
          endedByClient(request) && reply.raw.headersSent ? reply.statusCode : CLIENT_CLOSED_REQUEST,
        ),
      );
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!isHealthCheck(request)) observe(request, reply, reply.statusCode);
    done();
  });
}
