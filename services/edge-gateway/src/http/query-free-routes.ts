import { ValidationError } from '@iot-mesh/platform';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from './api-routes.js';
import { toHttpError } from './http-error.js';
import { sendHttpError } from './http-exception.filter.js';

// The pass-through's GET reads its request fields from the query string.
const PASS_THROUGH_GET = 'GET /api/v1/:service/:method';

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The API's routes that read no query string, keyed as Fastify names them (`POST /api/v1/devices/:id/keys`). */
const QUERY_FREE = new Set(
  ROUTES.filter((route) => route.path.startsWith('/api/v1/') && route.query === undefined)
    .map((route) => routeKey(route.method, route.path.replace(/\{(\w+)\}/g, ':$1')))
    .filter((key) => key !== PASS_THROUGH_GET),
);

/**
 * A query parameter on an API route that reads none is a 400, as on the routes that read some: a
 * client's `?dryRun=true` or `?force=true` must not be ignored while the request takes effect.
 */
export function refuseQueriesWhereNoneIsRead(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const names = Object.keys((request.query as object | undefined) ?? {});
    if (names.length === 0 || !QUERY_FREE.has(routeKey(method, request.routeOptions.url ?? ''))) {
      done();
      return;
    }
    const error = new ValidationError(
      [
        {
          field: 'query',
          reason: 'FIELD.UNKNOWN',
          description: `this route takes no query parameters; got ${names.slice(0, 5).join(', ')}`,
        },
      ],
      'REQUEST.INVALID',
    );
    sendHttpError(reply, toHttpError(error));
  });
}
