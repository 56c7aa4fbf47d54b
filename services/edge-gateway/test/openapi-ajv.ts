import { createRequire } from 'node:module';
import type { OpenAPIV3 } from 'openapi-types';

// Ajv 8 and ajv-formats come with Fastify (ajv-formats holds its own ajv 8; the top-level ajv is
// ESLint's 6), so they are loaded from there rather than added as dependencies of their own.
const fromAjvFormats = createRequire(createRequire(import.meta.url).resolve('ajv-formats/package.json'));

interface Ajv {
  addSchema(schema: object, key: string): void;
  validate(schema: object, data: unknown): boolean;
  errorsText(): string;
}
const AjvClass = fromAjvFormats('ajv') as { default: new (options: object) => Ajv };
const addFormats = fromAjvFormats('ajv-formats') as { default: (ajv: Ajv) => void };

type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

/**
 * Checks values against schemas of an OpenAPI 3.0 document, whose `#/components/...` references they
 * may hold: the problems found, none when the value matches.
 */
export function documentValidator(
  document: OpenAPIV3.Document,
): (schema: Schema, value: unknown) => string[] {
  // OpenAPI's own keywords and formats (int32, double, byte) are not JSON Schema's: not strict.
  const ajv = new AjvClass.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ components: document.components }, 'doc');
  const inDocument = (schema: Schema): object =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object;
  return (schema, value) => (ajv.validate(inDocument(schema), value) ? [] : [ajv.errorsText()]);
}

/** The schema the document gives a route's answer with this status and content type, if any. */
export function answerSchemaOf(
  document: OpenAPIV3.Document,
  method: string,
  path: string,
  status: number,
  contentType = 'application/json',
): Schema | undefined {
  const operation = document.paths[path]?.[method.toLowerCase() as OpenAPIV3.HttpMethods];
  const responses = operation?.responses ?? {};
  let response: OpenAPIV3.ResponsesObject[string] | undefined =
    responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  if (response && '$ref' in response) {
    response = document.components?.responses?.[response.$ref.replace('#/components/responses/', '')];
  }
  return (response as OpenAPIV3.ResponseObject | undefined)?.content?.[contentType]?.schema;
}
