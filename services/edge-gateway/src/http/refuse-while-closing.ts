import type { FastifyInstance } from 'fastify';
import { gatewayShuttingDown } from '../gateway-shutting-down.js';
import { toHttpError } from './http-error.js';
import { sendHttpError } from './http-exception.filter.js';

/**
 * A request that arrives while the gateway shuts down (on a connection kept alive, while the in-flight
 * requests drain) gets the API's error JSON: 503 UNAVAILABLE `GATEWAY.SHUTTING_DOWN`, which clients
 * retry elsewhere, and `Connection: close`. This replaces Fastify's own 503 (`return503OnClosing`, which
 * must be off), whose body is not the API's. Registered after the tracing and metrics hooks, so that
 * the refusal is traced and counted, and before any other, so that nothing else runs for it.
 */
export function refuseRequestsWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  // When Fastify closes: after it marks itself closing, before its server stops accepting connections.
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply.header('connection', 'close');
    sendHttpError(reply, toHttpError(gatewayShuttingDown('send the request again')));
  });
}
