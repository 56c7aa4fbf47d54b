import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { repoPath } from './repo.js';

export interface ConfigSchema {
  schema: z.ZodType;
  /** The environment variables the schema reads. */
  variables: Set<string>;
  /** Each variable's own schema, to parse one value of it (`undefined` gives its default). */
  fields: ReadonlyMap<string, z.core.$ZodType>;
}

/** The env vars of a config schema and their schemas: the object inside any refine/transform pipes. */
function envShape(schema: unknown): z.core.$ZodShape | undefined {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return envShape(schema.in);
  return undefined;
}

const loaded = new Map<string, Promise<ConfigSchema>>();

async function load(serviceName: string): Promise<ConfigSchema> {
  const url = pathToFileURL(repoPath('services', serviceName, 'src', 'config.ts')).href;
  const module: unknown = await import(url);
  const exported = typeof module === 'object' && module !== null ? Object.values(module) : [];
  const schemas = exported.flatMap((value) => {
    const shape = envShape(value);
    if (!shape || !(value instanceof z.ZodType)) return [];
    return [
      { schema: value, variables: new Set(Object.keys(shape)), fields: new Map(Object.entries(shape)) },
    ];
  });
  if (schemas.length !== 1 || !schemas[0]) {
    throw new Error(
      `services/${serviceName}/src/config.ts exports ${schemas.length} config schemas, expected 1`,
    );
  }
  return schemas[0];
}

/**
 * A service's config schema, imported from services/<name>/src/config.ts. By path on purpose: a tool
 * never depends on a service's code, it only inspects it, and which services exist is the catalog's say.
 */
export function configSchema(serviceName: string): Promise<ConfigSchema> {
  let schema = loaded.get(serviceName);
  if (!schema) {
    schema = load(serviceName);
    loaded.set(serviceName, schema);
  }
  return schema;
}
