import type { FastifyServerOptions } from 'fastify';

// Fastify calls a compiler with the route ({ schema, method, url, … }); its typings say ajv's arguments.
const refuse = (what: string) => (route: unknown) => {
  const { method, url } = route as { method: string; url: string };
  throw new Error(
    `${method} ${url} has a Fastify ${what} schema: the gateway's routes parse their input with zod (parse-body.ts) and need none`,
  );
};

/**
 * Fastify's schema compilers in place of its defaults (ajv for validation, fast-json-stringify for
 * answers, three copies of ajv between them), which it loads as it starts whether a route has a schema
 * or not: 3 MiB of the gateway's RSS for compilers no route uses (README, Benchmarks, round 31). A
 * route registered with a Fastify schema all the same stops the start, saying why.
 */
export const NO_FASTIFY_SCHEMAS: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: () => refuse('validation'),
    buildSerializer: () => refuse('response'),
  },
};
