import { DOCS_PATHS } from './api-docs.js';
import { fastifyPath, ROUTES } from './api-routes.js';
import { MethodNotAllowedError } from './http-error.js';

// The generic pass-through path matches any two segments; it is the fallback, not a resource.
const PASS_THROUGH = '/api/v1/{service}/{method}';

const escaped = (path: string) => path.replace(/[.]/g, '\\.');

const patterns = [
  ...ROUTES.filter((route) => route.path !== PASS_THROUGH).map((route) => ({
    method: route.method.toUpperCase(),
    route: fastifyPath(route.path),
    parameters: route.path.split('{').length - 1,
    pattern: new RegExp(`^${escaped(route.path).replace(/\{\w+\}/g, '[^/]+')}/?$`),
  })),
  // The document and its page are served beside the table, read-only.
  ...DOCS_PATHS.map(({ path, route }) => ({
    method: 'GET',
    route,
    parameters: 0,
    pattern: new RegExp(`^${escaped(path)}/?$`),
  })),
];

const servedAt = (url: string) => {
  const path = url.split('?')[0] ?? '';
  return patterns.filter(({ pattern }) => pattern.test(path));
};

/**
 * The HTTP methods the REST API takes at a path (`/api/v1/devices/d1` → GET, PATCH), from the routes
 * table the OpenAPI document is made of; none for a path it does not serve.
 */
export function methodsAt(url: string): string[] {
  return [...new Set(servedAt(url).map(({ method }) => method))];
}

/**
 * The route the REST API serves at a path, in Fastify's form; of several (`/alerts/stream` and
 * `/alerts/:id`), the one with the fewest parameters, as the router would pick it.
 */
export function routeAt(url: string): string | undefined {
  return servedAt(url).sort((a, b) => a.parameters - b.parameters)[0]?.route;
}

/** A 405 for a request to a path the API serves with other methods; undefined for a path it does not serve. */
export function wrongMethod(request: { method: string; url: string }): MethodNotAllowedError | undefined {
  const methods = methodsAt(request.url);
  if (methods.length === 0) return undefined;
  // Fastify answers HEAD wherever it answers GET.
  const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
  return new MethodNotAllowedError(
    allow,
    `${request.method} is not served here; use ${methods.join(' or ')}`,
  );
}
