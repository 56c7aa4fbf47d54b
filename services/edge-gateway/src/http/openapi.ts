import type { OpenAPIV3 } from 'openapi-types';
import { ROUTES } from './api-routes.js';
import { httpErrorBodySchema } from './http-error-schema.js';
import { operationOf } from './openapi-operation.js';
import { ProtoSchemaComponents } from './proto-schema-components.js';
import { jsonSchemaOf } from './zod-json-schema.js';

// The document and its page: served beside the API (api-docs.ts), not routes of its table.
const DOCS_PATHS: OpenAPIV3.PathsObject = {
  '/openapi.json': {
    get: {
      summary: 'This OpenAPI document',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.0', content: { 'application/json': {} } } },
    },
  },
  '/docs': {
    get: {
      summary: 'This document rendered by Swagger UI',
      security: [],
      responses: { '200': { description: 'An HTML page', content: { 'text/html': {} } } },
    },
  },
};

/** The OpenAPI 3.0 document served at /openapi.json and rendered at /docs. */
export function openApiDocument(): OpenAPIV3.Document {
  const paths: OpenAPIV3.PathsObject = {};
  const components = new ProtoSchemaComponents();
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operationOf(route, components) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'iot-mesh edge gateway',
      version: 'v1',
      description:
        'REST/JSON API for devices and operators. The same data in gRPC: iotmesh.edge.v1.EdgeGateway.',
    },
    paths: { ...paths, ...DOCS_PATHS },
    components: {
      schemas: { Error: jsonSchemaOf(httpErrorBodySchema, 'output'), ...components.schemas },
      responses: {
        Error: {
          description: 'The error JSON',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN or an HS256 JWT' },
        deviceKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        deviceBearer: { type: 'http', scheme: 'bearer', description: 'a device API key (imk_...)' },
      },
    },
  };
}
