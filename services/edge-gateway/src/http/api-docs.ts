import { createRequire } from 'node:module';
import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';

// Swagger UI's built files, from the swagger-ui-dist package (which names its own directory).
const SWAGGER_UI_DIR = (createRequire(import.meta.url)('swagger-ui-dist/absolute-path.js') as () => string)();
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/** Every path the document and its page are served at (GET and HEAD only), with the route serving it. */
export const DOCS_PATHS = [
  ...['/openapi.json', '/docs', '/docs/docs.js'].map((path) => ({ path, route: path })),
  ...[...SWAGGER_UI_FILES].map((file) => ({ path: `/docs/${file}`, route: '/docs/:file' })),
];

// Every response here tells the browser to take it only as the type it says it is.
const NOSNIFF = { 'x-content-type-options': 'nosniff' };

/**
 * What the page may load: its scripts, stylesheet, icons and the document from this origin only, and no
 * script inline or evaluated (the page's own script is a file, docs.js, rather than inline). Two
 * allowances Swagger UI needs: inline styles (the standalone preset's logo is an SVG with a <style>
 * element) and data: images (its stylesheet draws its icons as data: SVGs). No page may frame it.
 */
const DOCS_PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  // No badge from validator.swagger.io: it would send the document's address out, and fails offline.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>iot-mesh edge gateway API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/docs.js"></script>
  </body>
</html>
`;

/**
 * The OpenAPI document at /openapi.json and Swagger UI at /docs, on the gateway's Fastify instance.
 * @nestjs/swagger's SwaggerModule did the same, but loading it (its decorators and explorers,
 * es-toolkit, js-yaml, @fastify/static with glob) cost the gateway 8-9 MiB of RSS at idle and under
 * load, for a page that needs five fixed files served (README, Benchmarks). @fastify/send serves them,
 * with ETags, conditional and range requests; any other name under /docs is the usual 404.
 */
export function serveApiDocs(fastify: FastifyInstance, document: OpenAPIV3.Document): void {
  const json = JSON.stringify(document);
  fastify.get('/openapi.json', (_request, reply) =>
    reply.headers(NOSNIFF).type('application/json; charset=utf-8').send(json),
  );
  fastify.get('/docs', (_request, reply) =>
    reply
      .headers({ ...NOSNIFF, 'content-security-policy': DOCS_PAGE_POLICY })
      .type('text/html; charset=utf-8')
      .send(DOCS_PAGE),
  );
  fastify.get('/docs/docs.js', (_request, reply) =>
    reply.headers(NOSNIFF).type('text/javascript; charset=utf-8').send(DOCS_SCRIPT),
  );
  fastify.get<{ Params: { file: string } }>('/docs/:file', async (request, reply) => {
    const { file } = request.params;
    if (!SWAGGER_UI_FILES.has(file)) return reply.callNotFound();
    const { statusCode, headers, stream } = await send(request.raw, `/${file}`, { root: SWAGGER_UI_DIR });
    return reply.code(statusCode).headers(headers).headers(NOSNIFF).send(stream);
  });
}
