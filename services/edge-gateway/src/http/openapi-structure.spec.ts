import type { OpenAPIV3 } from 'openapi-types';
import { z } from 'zod';
import { ROUTES } from './api-routes.js';
import { openApiDocument } from './openapi.js';

// No OpenAPI validator is among the dependencies, so this checks the rules of OpenAPI 3.0.3 that a
// document made from zod and a table could break.

// Schema Object keywords of OpenAPI 3.0: JSON Schema draft 2019+ keywords (const, $defs,
// propertyNames, a type list, a numeric exclusiveMinimum...) are not among them.
const SCHEMA_KEYWORDS = new Set(
  (
    'title multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern ' +
    'maxItems minItems uniqueItems maxProperties minProperties required enum type allOf oneOf anyOf not ' +
    'items properties additionalProperties description format default nullable discriminator readOnly ' +
    'writeOnly xml externalDocs example deprecated $ref'
  ).split(' '),
);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** Every problem of a schema and those within it, by where it is. */
function schemaProblems(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [`${at}: not a schema`];
  const s = schema as Record<string, unknown>;
  const problems = Object.keys(s)
    .filter((key) => !SCHEMA_KEYWORDS.has(key) && !key.startsWith('x-'))
    .map((key) => `${at}: ${key} is not an OpenAPI 3.0 keyword`);
  if (s['type'] !== undefined && !TYPES.has(s['type'] as string))
    problems.push(`${at}: type ${JSON.stringify(s['type'])}`);
  if (s['type'] === 'array' && s['items'] === undefined) problems.push(`${at}: an array without items`);
  for (const key of ['exclusiveMinimum', 'exclusiveMaximum']) {
    if (s[key] !== undefined && typeof s[key] !== 'boolean') problems.push(`${at}: ${key} is not a boolean`);
  }
  if (Array.isArray(s['enum']) && s['enum'].length === 0) problems.push(`${at}: an empty enum`);
  const properties = (s['properties'] ?? {}) as Record<string, unknown>;
  for (const name of (s['required'] ?? []) as string[]) {
    if (!(name in properties)) problems.push(`${at}: requires ${name}, which it does not define`);
  }
  const nested = [
    ...Object.entries(properties).map(([name, p]) => [p, `${at}.${name}`] as const),
    ...(['allOf', 'anyOf', 'oneOf'] as const).flatMap((key) =>
      ((s[key] ?? []) as unknown[]).map((p, i) => [p, `${at}.${key}[${i}]`] as const),
    ),
    ...(['items', 'not'] as const)
      .filter((k) => s[k] !== undefined)
      .map((k) => [s[k], `${at}.${k}`] as const),
    ...(typeof s['additionalProperties'] === 'object'
      ? [[s['additionalProperties'], `${at}.additionalProperties`] as const]
      : []),
  ];
  return [...problems, ...nested.flatMap(([p, where]) => schemaProblems(p, where))];
}

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item ?? {}).map(([method, op]) => ({ path, method, op: op as OpenAPIV3.OperationObject })),
);

describe('the OpenAPI document, structurally', () => {
  it('is plain JSON: nothing undefined, no functions', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(document.openapi).toBe('3.0.3');
    expect(operations.length).toBe(ROUTES.length + 2);
  });

  it('has only OpenAPI 3.0 schemas', () => {
    const schemas = [
      ...Object.entries(document.components?.schemas ?? {}).map(([name, s]) => [s, name] as const),
      ...operations.flatMap(({ path, method, op }) => [
        ...((op.parameters ?? []) as OpenAPIV3.ParameterObject[]).map(
          (p) => [p.schema, `${method} ${path} ${p.name}`] as const,
        ),
        ...Object.entries((op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content ?? {}).map(
          ([type, media]) => [media.schema, `${method} ${path} body ${type}`] as const,
        ),
        ...Object.entries(op.responses).flatMap(([code, response]) =>
          Object.entries((response as OpenAPIV3.ResponseObject).content ?? {})
            .filter(([, media]) => media.schema)
            .map(([type, media]) => [media.schema, `${method} ${path} ${code} ${type}`] as const),
        ),
      ]),
    ];
    expect(schemas.flatMap(([schema, at]) => schemaProblems(schema, at))).toEqual([]);
  });

  it('finds the schema checks able to fail', () => {
    const draft2020 = z.toJSONSchema(z.object({ kind: z.literal('a'), tags: z.array(z.string()) }));
    expect(schemaProblems(draft2020, 'x')).toEqual(
      expect.arrayContaining(['x: $schema is not an OpenAPI 3.0 keyword']),
    );
    expect(schemaProblems({ type: ['string', 'null'] }, 'x')).toEqual(['x: type ["string","null"]']);
    expect(schemaProblems({ type: 'object', required: ['a'] }, 'x')).toHaveLength(1);
  });

  it('declares each path parameter once, as required, and each parameter with a schema', () => {
    for (const { path, method, op } of operations) {
      const parameters = (op.parameters ?? []) as OpenAPIV3.ParameterObject[];
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = parameters.filter((p) => p.in === 'path');
      expect({ path, method, names: declared.map((p) => p.name) }).toEqual({ path, method, names: inPath });
      expect(declared.every((p) => p.required)).toBe(true);
      const keys = parameters.map((p) => `${p.in} ${p.name}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const p of parameters) expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
      for (const p of parameters) expect(p.schema).toBeDefined();
    }
  });

  it('answers each operation with one success, and resolves every reference and security scheme', () => {
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    for (const { path, method, op } of operations) {
      const codes = Object.keys(op.responses);
      expect({ path, method, successes: codes.filter((c) => /^2\d\d$/.test(c)).length }).toEqual({
        path,
        method,
        successes: 1,
      });
      for (const response of Object.values(op.responses)) {
        if ('$ref' in response) {
          const name = response.$ref.replace('#/components/responses/', '');
          expect(document.components?.responses).toHaveProperty(name);
        } else expect(response.description).toEqual(expect.any(String));
      }
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) expect(schemes).toContain(scheme);
      }
    }
    const json = JSON.stringify(document);
    // Proto messages go by their full names: iotmesh.device.v1.Device.
    const refs = [...json.matchAll(/"\$ref":"#\/components\/(\w+)\/([\w.]+)"/g)];
    expect(refs.length).toBe(json.split('"$ref"').length - 1);
    for (const [, section = '', name = ''] of refs) {
      expect((document.components as Record<string, Record<string, unknown>>)[section]).toHaveProperty([
        name,
      ]);
    }
  });
});
