import type { FastifyInstance } from 'fastify';
import { badUrlError } from './http-error.js';
import { sendHttpError } from './http-exception.filter.js';

/** Whether every %-escape of a query string is well formed and spells UTF-8. */
function wellEscaped(query: string): boolean {
  try {
    decodeURIComponent(query.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * A malformed %-escape in the query string is a 400, as it is in the path: the query parser would
 * otherwise take `%ZZ` for the text "%ZZ" and answer for a filter the client did not mean.
 */
export function refuseMalformedQueryEscapes(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const start = request.url.indexOf('?');
    if (start < 0 || wellEscaped(request.url.slice(start + 1))) {
      done();
      return;
    }
    sendHttpError(reply, badUrlError());
  });
}
