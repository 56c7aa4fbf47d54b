import type { OpenAPIV3 } from 'openapi-types';
import type { RouteAnswer } from './api-routes.js';
import { messageSchema } from './proto-json.js';
import { messageObjectSchema } from './proto-json-schema.js';
import type { ProtoSchemaComponents } from './proto-schema-components.js';
import { jsonSchemaOf } from './zod-json-schema.js';

/**
 * The schema of a route's JSON answer, from the protos' descriptor set as proto3 JSON writes the
 * message (nested messages and enums as components), or from its zod schema.
 */
export function answerSchema(
  answer: RouteAnswer | undefined,
  components: ProtoSchemaComponents,
): OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject {
  if (!answer) return { type: 'object' };
  if ('schema' in answer) return jsonSchemaOf(answer.schema, 'output');
  const message = messageSchema(answer.message);
  const { everyField, omit } = answer;
  return everyField || omit
    ? messageObjectSchema(message, components, { everyField, omit })
    : components.messageRef(message);
}
