import type { OpenAPIV3 } from 'openapi-types';
import { z } from 'zod';
import {
  aggregatesQuerySchema,
  alertStreamQuerySchema,
  listAlertsQuerySchema,
  listDevicesQuerySchema,
  listRulesQuerySchema,
  deviceUpdateMaskQuerySchema,
  ruleUpdateMaskQuerySchema,
} from './query-schemas.js';
import {
  acknowledgeSchema,
  createDeviceSchema,
  createRuleSchema,
  deviceFieldsSchema,
  issueKeySchema,
  readingBatchSchema,
  readingSchema,
  ruleFieldsSchema,
} from './schemas.js';
import { healthAnswerSchema, statusAnswerSchema } from './status-answers.js';

export type Auth = 'operator' | 'device' | 'operator or device' | 'none';

/** A route's path as Fastify names it: `/api/v1/devices/{id}` → `/api/v1/devices/:id`. */
export const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  /** The schema the JSON body is parsed with; a missing body reads as `{}`, so it is optional when `{}` passes. */
  body?: z.ZodType;
  /** The schema the query string is parsed with. */
  query?: z.ZodObject;
  /** Header parameters the route reads. */
  headers?: OpenAPIV3.ParameterObject[];
  /** The success status, as the controller's @HttpCode sets it; 200 when absent. */
  status?: 201 | 204;
  /** What a success answers: JSON, or with `events` a text/event-stream. */
  returns: string;
  events?: true;
  /** The JSON a success answers; absent, the document says only "an object" (the route says why). */
  answer?: RouteAnswer;
  /** JSON answers besides the success and the error JSON, by status code, of the same schema as `answer`. */
  otherAnswers?: Record<string, string>;
}

/**
 * A proto message in proto3 JSON; `everyField` when the controller builds the object from the
 * message's fields itself, writing each one, `omit` the fields it leaves out. Or a zod schema, for a
 * body that is no proto message.
 */
export type RouteAnswer = { message: string; everyField?: true; omit?: string[] } | { schema: z.ZodType };

/** The message of a route whose controller answers it as proto3 JSON (proto-json.ts `proto3Writer`). */
const proto3 = (message: string): RouteAnswer => ({ message });
/** An answer the controller builds from the message's fields itself, writing each one as proto3 JSON would. */
const proto3Fields = (message: string): RouteAnswer => ({ message, everyField: true });

const passThroughBody = z
  .record(z.string(), z.unknown())
  .describe("The method's request message in proto3 JSON.");

const lastEventId: OpenAPIV3.ParameterObject = {
  name: 'Last-Event-ID',
  in: 'header',
  description: 'Sent by a reconnecting EventSource: the id (sequence) of the last event it received.',
  schema: { type: 'string', pattern: '^\\d{1,16}$' },
};

// The REST API in one table; the OpenAPI document is derived from it and the schemas the routes parse with.
export const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/api/v1/devices',
    summary: 'Register a device',
    auth: 'operator',
    body: createDeviceSchema,
    status: 201,
    returns: 'The device as registered',
    answer: proto3('iotmesh.device.v1.Device'),
  },
  {
    method: 'get',
    path: '/api/v1/devices',
    summary: 'List devices',
    auth: 'operator',
    query: listDevicesQuerySchema,
    returns: '{devices, nextPageToken}',
    answer: proto3('iotmesh.device.v1.ListDevicesResponse'),
  },
  {
    method: 'get',
    path: '/api/v1/devices/{id}',
    summary: 'Get a device',
    auth: 'operator',
    returns: 'The device',
    answer: proto3('iotmesh.device.v1.Device'),
  },
  {
    method: 'patch',
    path: '/api/v1/devices/{id}',
    summary: 'Update the fields named in updateMask',
    auth: 'operator',
    body: deviceFieldsSchema,
    query: deviceUpdateMaskQuerySchema,
    returns: 'The device as updated',
    answer: proto3('iotmesh.device.v1.Device'),
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/decommission',
    summary: 'Decommission a device (revokes its keys)',
    auth: 'operator',
    returns: 'The device as decommissioned',
    answer: proto3('iotmesh.device.v1.Device'),
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys',
    summary: 'Issue an API key (shown once)',
    auth: 'operator',
    body: issueKeySchema,
    status: 201,
    returns: '{key, apiKey}: apiKey is the secret, never shown again',
    answer: proto3('iotmesh.device.v1.IssueDeviceKeyResponse'),
  },
  {
    method: 'get',
    path: '/api/v1/devices/{id}/keys',
    summary: "List a device's keys",
    auth: 'operator',
    returns: '{keys}',
    answer: proto3('iotmesh.device.v1.ListDeviceKeysResponse'),
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys/{keyId}/rotate',
    summary: 'Rotate a key',
    auth: 'operator',
    returns:
      '{key, apiKey, revokedKey}: a new key; the old one (revokedKey) works until its expireTime, the ' +
      "registry's rotation grace period, or is revoked at once without one. Rotating it again within " +
      'that time (after a 504, say) revokes the key the first rotation issued and answers another',
    answer: proto3('iotmesh.device.v1.RotateDeviceKeyResponse'),
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/keys/{keyId}/revoke',
    summary: 'Revoke a key',
    auth: 'operator',
    returns: 'The key as revoked',
    answer: proto3('iotmesh.device.v1.DeviceKey'),
  },
  {
    method: 'post',
    path: '/api/v1/readings',
    summary: 'Publish one reading',
    auth: 'device',
    body: readingSchema,
    returns: '{readingId, duplicate}',
    answer: proto3Fields('iotmesh.edge.v1.PublishReadingResponse'),
  },
  {
    method: 'post',
    path: '/api/v1/readings/batch',
    summary: 'Publish a batch of readings',
    auth: 'device',
    body: readingBatchSchema,
    returns:
      '{acceptedCount, duplicateCount, rejections, duplicateIndexes}: rejections name each refused reading by index, duplicateIndexes the positions of readings accepted before',
    // PublishReadingsResponse of the gRPC stream without its batchId, which REST has no use for.
    answer: { ...proto3Fields('iotmesh.edge.v1.PublishReadingsResponse'), omit: ['batchId'] },
  },
  {
    method: 'get',
    path: '/api/v1/aggregates',
    summary: "Aggregates of a device, or every device's latest",
    auth: 'operator or device',
    query: aggregatesQuerySchema,
    returns: '{aggregates, nextPageToken}',
    answer: proto3('iotmesh.processor.v1.GetAggregatesResponse'),
  },
  {
    method: 'post',
    path: '/api/v1/rules',
    summary: 'Create an alert rule',
    auth: 'operator',
    body: createRuleSchema,
    status: 201,
    returns: 'The rule as created',
    answer: proto3('iotmesh.alert.v1.Rule'),
  },
  {
    method: 'get',
    path: '/api/v1/rules',
    summary: 'List rules',
    auth: 'operator',
    query: listRulesQuerySchema,
    returns: '{rules, nextPageToken}',
    answer: proto3('iotmesh.alert.v1.ListRulesResponse'),
  },
  {
    method: 'get',
    path: '/api/v1/rules/{id}',
    summary: 'Get a rule',
    auth: 'operator',
    returns: 'The rule',
    answer: proto3('iotmesh.alert.v1.Rule'),
  },
  {
    method: 'patch',
    path: '/api/v1/rules/{id}',
    summary: 'Update the fields named in updateMask',
    auth: 'operator',
    body: ruleFieldsSchema,
    query: ruleUpdateMaskQuerySchema,
    returns: 'The rule as updated',
    answer: proto3('iotmesh.alert.v1.Rule'),
  },
  {
    method: 'delete',
    path: '/api/v1/rules/{id}',
    summary: 'Delete a rule',
    auth: 'operator',
    status: 204,
    returns: 'Deleted',
  },
  {
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'List alerts',
    auth: 'operator',
    query: listAlertsQuerySchema,
    returns: '{alerts, nextPageToken}',
    answer: proto3('iotmesh.alert.v1.ListAlertsResponse'),
  },
  {
    method: 'get',
    path: '/api/v1/alerts/stream',
    summary: 'Alert events as Server-Sent Events (resume with Last-Event-ID)',
    auth: 'operator or device',
    query: alertStreamQuerySchema,
    headers: [lastEventId],
    returns:
      'Events named "alert": id is the event sequence, data an AlertEvent in proto3 JSON. A resume point ' +
      "past the newest event the stream's filter matches is refused before the stream starts (400 OUT_OF_RANGE, " +
      'ALERT_EVENTS.RESUME_AHEAD). A stream that fails after it started ends with an event named "error" ' +
      'whose data is the error JSON. Comment lines are heartbeats. A device sees only its own alerts.',
    events: true,
  },
  {
    method: 'get',
    path: '/api/v1/alerts/{id}',
    summary: 'Get an alert',
    auth: 'operator',
    returns: 'The alert',
    answer: proto3('iotmesh.alert.v1.Alert'),
  },
  {
    method: 'post',
    path: '/api/v1/alerts/{id}/acknowledge',
    summary: 'Acknowledge an alert',
    auth: 'operator',
    body: acknowledgeSchema,
    returns: 'The alert as acknowledged',
    answer: proto3('iotmesh.alert.v1.Alert'),
  },
  // The pass-through answers each method's own response message in proto3 JSON; one path holds them
  // all and OpenAPI 3.0 cannot pick a schema by a path parameter's value, so its answer stays "an object".
  {
    method: 'post',
    path: '/api/v1/{service}/{method}',
    summary: 'Call any unary method of an internal service with proto3 JSON',
    auth: 'operator',
    body: passThroughBody,
    returns: "The method's response message in proto3 JSON",
  },
  {
    method: 'get',
    path: '/api/v1/{service}/{method}',
    summary: 'Call a Get or List method of an internal service, its fields in the query string',
    auth: 'operator',
    returns: "The method's response message in proto3 JSON",
  },
  {
    method: 'get',
    path: '/health',
    summary: 'The gateway is up',
    auth: 'none',
    returns: '{status: "ok"}',
    answer: { schema: healthAnswerSchema },
  },
  {
    method: 'get',
    path: '/status',
    summary: 'gRPC health of every downstream service, and of the rate-limit backend',
    auth: 'none',
    returns:
      '{status: "SERVING", services, rateLimits}: every downstream is SERVING (rateLimits.status is DEGRADED while a shared backend does not answer and each replica limits on its own)',
    answer: { schema: statusAnswerSchema },
    otherAnswers: { '503': '{status: "DEGRADED", services, rateLimits}: a downstream is not SERVING' },
  },
];
