import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

/**
 * The REST API's counterpart of grpc_server_handling_seconds: how long the gateway took over each
 * request, from its arrival to the end of the response (an SSE stream's whole life), by method, route
 * pattern and status code. Patterns rather than paths keep the series few; a request that matched no
 * route has route "". A request whose client left before the answer was sent is not counted (its span
 * says 499).
 */
export function measureRequests(fastify: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time the gateway took over REST requests, from arrival to the end of the response',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? '',
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
