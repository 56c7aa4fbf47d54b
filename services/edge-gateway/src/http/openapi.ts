import type { OpenAPIV3 } from 'openapi-types';
import { z } from 'zod';
import {
  acknowledgeSchema,
  createDeviceSchema,
  deviceFieldsSchema,
  issueKeySchema,
  readingBatchSchema,
  readingSchema,
  ruleFieldsSchema,
} from './schemas.js';

type Auth = 'operator' | 'device' | 'operator or device' | 'none';
interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: string[];
}

// The REST API in one table; the document below is derived from it and the request schemas.
export const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/api/v1/devices',
    summary: 'Register a device',
    auth: 'operator',
    body: createDeviceSchema,
  },
  {
    method: 'get',
    path: '/api/v1/devices',
    summary: 'List devices',
    auth: 'operator',
    query: ['type', 'site', 'status', 'pageSize', 'pageToken'],
  },
  { method: 'get', path: '/api/v1/devices/{id}', summary: 'Get a device', auth: 'operator' },
  {
    method: 'patch',
    path: '/api/v1/devices/{id}',
    summary: 'Update the fields named in updateMask',
    auth: 'operator',
    body: deviceFieldsSchema,
    query: ['updateMask'],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/decommission',
    summary: 'Decommission a device (revokes its keys)',
    auth: 'operator',
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys',
    summary: 'Issue an API key (shown once)',
    auth: 'operator',
    body: issueKeySchema,
  },
  { method: 'get', path: '/api/v1/devices/{id}/keys', summary: "List a device's keys", auth: 'operator' },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys/{keyId}/rotate',
    summary: 'Rotate a key',
    auth: 'operator',
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys/{keyId}/revoke',
    summary: 'Revoke a key',
    auth: 'operator',
  },
  {
    method: 'post',
    path: '/api/v1/readings',
    summary: 'Publish one reading',
    auth: 'device',
    body: readingSchema,
  },
  {
    method: 'post',
    path: '/api/v1/readings/batch',
    summary: 'Publish a batch of readings',
    auth: 'device',
    body: readingBatchSchema,
  },
  {
    method: 'get',
    path: '/api/v1/aggregates',
    summary: "Aggregates of a device, or every device's latest",
    auth: 'operator or device',
    query: ['deviceId', 'sensorType', 'window', 'startTime', 'pageSize', 'pageToken'],
  },
  {
    method: 'post',
    path: '/api/v1/rules',
    summary: 'Create an alert rule',
    auth: 'operator',
    body: ruleFieldsSchema,
  },
  {
    method: 'get',
    path: '/api/v1/rules',
    summary: 'List rules',
    auth: 'operator',
    query: ['sensorType', 'pageSize', 'pageToken'],
  },
  { method: 'get', path: '/api/v1/rules/{id}', summary: 'Get a rule', auth: 'operator' },
  {
    method: 'patch',
    path: '/api/v1/rules/{id}',
    summary: 'Update the fields named in updateMask',
    auth: 'operator',
    body: ruleFieldsSchema,
    query: ['updateMask'],
  },
  { method: 'delete', path: '/api/v1/rules/{id}', summary: 'Delete a rule', auth: 'operator' },
  {
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'List alerts',
    auth: 'operator',
    query: ['state', 'severity', 'deviceId', 'ruleId', 'pageSize', 'pageToken'],
  },
  {
    method: 'get',
    path: '/api/v1/alerts/stream',
    summary: 'Alert events as Server-Sent Events (resume with Last-Event-ID)',
    auth: 'operator or device',
    query: ['state', 'severity', 'deviceId', 'ruleId', 'resumeAfter'],
  },
  { method: 'get', path: '/api/v1/alerts/{id}', summary: 'Get an alert', auth: 'operator' },
  {
    method: 'post',
    path: '/api/v1/alerts/{id}/acknowledge',
    summary: 'Acknowledge an alert',
    auth: 'operator',
    body: acknowledgeSchema,
  },
  {
    method: 'post',
    path: '/api/v1/{service}/{method}',
    summary: 'Call any unary method of an internal service with proto3 JSON',
    auth: 'operator',
  },
  {
    method: 'get',
    path: '/api/v1/{service}/{method}',
    summary: 'Call a Get or List method of an internal service, its fields in the query string',
    auth: 'operator',
  },
  { method: 'get', path: '/health', summary: 'The gateway is up', auth: 'none' },
  { method: 'get', path: '/status', summary: 'gRPC health of every downstream service', auth: 'none' },
];

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  operator: [{ operatorToken: [] }],
  device: [{ deviceKey: [] }, { deviceBearer: [] }],
  'operator or device': [{ operatorToken: [] }, { deviceKey: [] }, { deviceBearer: [] }],
  none: [],
};

const errorResponse = {
  description: 'Error: {"error": {code, status, reason, message, details?, service?}}',
};

/** The OpenAPI 3.0 document served at /openapi.json and rendered at /docs. */
export function openApiDocument(): OpenAPIV3.Document {
  const paths: OpenAPIV3.PathsObject = {};
  for (const route of ROUTES) {
    const parameters = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
        name: name,
        in: 'path' as const,
        required: true,
        schema: { type: 'string' as const },
      })),
      ...(route.query ?? []).map((name) => ({
        name,
        in: 'query' as const,
        required: name === 'updateMask',
        schema: { type: 'string' as const },
      })),
    ];
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        summary: route.summary,
        security: SECURITY[route.auth],
        parameters,
        ...(route.body
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: z.toJSONSchema(route.body, { target: 'openapi-3.0' }) as object,
                  },
                },
              },
            }
          : {}),
        responses: {
          '200': { description: 'OK (201 on create, 204 on delete)' },
          '4XX': errorResponse,
          '5XX': errorResponse,
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'iot-mesh edge gateway',
      version: 'v1',
      description:
        'REST/JSON API for devices and operators. The same data in gRPC: iotmesh.edge.v1.EdgeGateway.',
    },
    paths,
    components: {
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN or an HS256 JWT' },
        deviceKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        deviceBearer: { type: 'http', scheme: 'bearer', description: 'a device API key (imk_...)' },
      },
    },
  };
}
