import { ValidationError, type FieldViolation } from '@iot-mesh/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fastifyPath, ROUTES } from './api-routes.js';
import { toHttpError } from './http-error.js';
import { sendHttpError } from './http-exception.filter.js';

// The pass-through's GET reads its request fields from the query string.
const PASS_THROUGH_GET = 'GET /api/v1/:service/:method';

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const apiRoutes = ROUTES.filter((route) => route.path.startsWith('/api/v1/')).map((route) => ({
  ...route,
  key: routeKey(route.method, fastifyPath(route.path)),
}));

/** The API's routes that read no query string. */
const QUERY_FREE = new Set(
  apiRoutes.filter((route) => route.query === undefined && route.key !== PASS_THROUGH_GET).map((r) => r.key),
);
/** The API's routes that read no body: every GET and DELETE, and rotate, revoke and decommission. */
const BODY_FREE = new Set(apiRoutes.filter((route) => route.body === undefined).map((r) => r.key));

const isEmptyObject = (body: unknown) =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;

/**
 * Whether the request sent a body other than `{}`. Fastify parses none on GET, so there any content
 * counts: what it said cannot be known, and it was not read.
 */
function sendsBody(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return request.body !== undefined && !isEmptyObject(request.body);
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return encoding !== undefined || (length !== undefined && length !== '0');
}

/** What a request sends that its route would not read: query parameters, or a body that is not `{}`. */
function unread(key: string, request: FastifyRequest): FieldViolation | undefined {
  const names = Object.keys((request.query as object | undefined) ?? {});
  if (names.length > 0 && QUERY_FREE.has(key)) {
    const description = `this route takes no query parameters; got ${names.slice(0, 5).join(', ')}`;
    return { field: 'query', reason: 'FIELD.UNKNOWN', description };
  }
  if (BODY_FREE.has(key) && sendsBody(request)) {
    return { field: 'body', reason: 'FIELD.UNKNOWN', description: 'this route takes no body' };
  }
  return undefined;
}

/**
 * Input an API route would not read is a 400, as unknown fields are on the routes that read some: a
 * client's `?dryRun=true` or `{"force": true}` must not be ignored while the request takes effect.
 */
export function refuseInputTheRouteDoesNotRead(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const key = routeKey(method, request.routeOptions.url ?? '');
    const problem = unread(key, request);
    if (problem === undefined) done();
    else sendHttpError(reply, toHttpError(new ValidationError([problem], 'REQUEST.INVALID')));
  });
}
