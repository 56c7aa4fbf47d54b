import type { FastifyRequest } from 'fastify';
import { routeAt } from './route-methods.js';

/**
 * The route a REST request is measured and traced under: the pattern it matched, "" for none. A 405 is
 * put under the resource it named (`/api/v1/devices/:id`), not under the pass-through that matched any
 * two segments, or none.
 */
export function routeLabel(request: FastifyRequest, statusCode: number): string {
  const matched = request.routeOptions.url ?? '';
  return statusCode === 405 ? (routeAt(request.url) ?? matched) : matched;
}
