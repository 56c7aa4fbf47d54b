import type { OpenAPIV3 } from 'openapi-types';
import type { z } from 'zod';
import type { Auth, Route } from './api-routes.js';
import { answerSchema } from './openapi-answers.js';
import type { ProtoSchemaComponents } from './proto-schema-components.js';
import { jsonSchemaOf } from './zod-json-schema.js';

type Schema = OpenAPIV3.SchemaObject;

const SECURITY: Record<Auth, OpenAPIV3.SecurityRequirementObject[]> = {
  operator: [{ operatorToken: [] }],
  device: [{ deviceKey: [] }, { deviceBearer: [] }],
  'operator or device': [{ operatorToken: [] }, { deviceKey: [] }, { deviceBearer: [] }],
  none: [],
};

const pathParameters = (path: string): OpenAPIV3.ParameterObject[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));

/** One parameter per field of the query schema, with its type, limits and whether it is required. */
function queryParameters(query: z.ZodObject | undefined): OpenAPIV3.ParameterObject[] {
  if (!query) return [];
  const { properties = {}, required = [] } = jsonSchemaOf(query);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...schema } = property as Schema;
    return {
      name,
      in: 'query',
      required: required.includes(name),
      ...(description ? { description } : {}),
      schema,
    };
  });
}

function requestBodyOf(body: z.ZodType): OpenAPIV3.RequestBodyObject {
  return {
    // parseInput reads a missing body as {}: the body may be left out exactly when {} is valid.
    required: !body.safeParse({}).success,
    content: { 'application/json': { schema: jsonSchemaOf(body) } },
  };
}

const json = (
  description: string,
  schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject,
): OpenAPIV3.ResponseObject => ({ description, content: { 'application/json': { schema } } });

function successOf(route: Route, answer: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject) {
  const status = String(route.status ?? 200);
  if (route.status === 204) return { [status]: { description: route.returns } };
  if (route.events) {
    return {
      [status]: {
        description: route.returns,
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
    };
  }
  return { [status]: json(route.returns, answer) };
}

const ERROR: OpenAPIV3.ReferenceObject = { $ref: '#/components/responses/Error' };

/** The document's operation for a route of the table; the messages its answers hold go to `components`. */
export function operationOf(route: Route, components: ProtoSchemaComponents): OpenAPIV3.OperationObject {
  const answer = answerSchema(route.answer, components);
  const others = Object.entries(route.otherAnswers ?? {}).map(
    ([status, text]): [string, OpenAPIV3.ResponseObject] => [status, json(text, answer)],
  );
  return {
    summary: route.summary,
    security: SECURITY[route.auth],
    parameters: [...pathParameters(route.path), ...queryParameters(route.query), ...(route.headers ?? [])],
    ...(route.body ? { requestBody: requestBodyOf(route.body) } : {}),
    responses: { ...successOf(route, answer), ...Object.fromEntries(others), '4XX': ERROR, '5XX': ERROR },
  };
}
