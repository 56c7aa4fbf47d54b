import {
  fromJson,
  type DescField,
  type DescMessage,
  type DescOneof,
  type JsonValue,
} from '@bufbuild/protobuf';
import type { FieldViolation } from '@iot-mesh/platform';
import { BEYOND_DOUBLE_RANGE } from './parse-body.js';

// @bufbuild/protobuf says what it refused in proto names ("cannot decode field
// iotmesh.alert.v1.RuleScope.all_devices from JSON: ...") and not where in the input it was. The REST
// API names fields by their JSON path (rule.scope.allDevices), so the input is read again a piece at a
// time to find the piece refused; only a refused request pays for that.

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === 'object' && json !== null && !Array.isArray(json);

/** The mapping's error for `json` read as `schema`; undefined when it reads. */
function refusal(schema: DescMessage, json: unknown): string | undefined {
  try {
    fromJson(schema, json as JsonValue);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** What was refused: its JSON path ('' for the whole input), and why. */
interface Refused {
  path: string;
  message: string;
}

/** Within a message refused with `message`: the first key refused alone, or with the keys before it. */
function refusedIn(schema: DescMessage, json: unknown, path: string, message: string): Refused {
  // Well-known types (a Timestamp's string, a Duration's "30s") are refused as a whole.
  if (!isObject(json) || schema.typeName.startsWith('google.protobuf.')) return { path, message };
  const entries = Object.entries(json);
  const seen = new Set<DescField | DescOneof>();
  for (const [i, [key, value]] of entries.entries()) {
    const field = schema.fields.find((f) => f.jsonName === key || f.name === key);
    const alone = refusal(schema, { [key]: value });
    // An unknown key is named by its message, as the routes that read bodies with zod name theirs.
    if (!field) return { path, message: alone ?? message };
    if (alone) return refusedWithin(schema, field, value, join(path, field.jsonName), alone);
    // Keys that read alone clash only as one field's two names or two members of one oneof: only
    // then is what came before read again.
    const group = field.oneof ?? field;
    if (seen.has(group)) {
      const together = Object.fromEntries(entries.slice(0, i + 1));
      const conflict = refusal(schema, together);
      if (conflict) return refusedTogether(schema, together, path, conflict);
    }
    seen.add(group);
  }
  return { path, message };
}

/** Inside a field refused alone: the item of a list, the entry of a map, the field of a message. */
function refusedWithin(
  schema: DescMessage,
  field: DescField,
  value: unknown,
  path: string,
  message: string,
): Refused {
  if (field.fieldKind === 'message') return refusedIn(field.message, value, path, message);
  for (const [key, item, alone] of piecesOf(field, value)) {
    const refused = refusal(schema, { [field.jsonName]: alone });
    if (refused === undefined) continue;
    const at = typeof key === 'number' ? `${path}[${key}]` : join(path, key);
    return field.message ? refusedIn(field.message, item, at, refused) : { path: at, message: refused };
  }
  return { path, message };
}

/** A list's items or a map's entries: each one's index or key, the item, and the field's value with it alone. */
function piecesOf(field: DescField, value: unknown): [number | string, unknown, unknown][] {
  if (field.fieldKind === 'list' && Array.isArray(value)) {
    return value.map((item, index) => [index, item, [item]]);
  }
  if (field.fieldKind === 'map' && isObject(value)) {
    return Object.entries(value).map(([key, item]) => [key, item, { [key]: item }]);
  }
  return [];
}

/** Keys that read alone but not together: one field under both its names, or two members of a oneof. */
function refusedTogether(
  schema: DescMessage,
  json: Record<string, unknown>,
  path: string,
  message: string,
): Refused {
  const twice = schema.fields.find(
    (field) =>
      field.name !== field.jsonName && Object.hasOwn(json, field.name) && Object.hasOwn(json, field.jsonName),
  );
  if (twice) return { path: join(path, twice.jsonName), message };
  const sent = (field: DescField) =>
    [field.name, field.jsonName].some((key) => Object.hasOwn(json, key) && json[key] !== null);
  const oneof = schema.oneofs.find((group) => group.fields.filter(sent).length > 1);
  if (!oneof) return { path, message };
  return { path, message: `only one of ${oneof.fields.map((f) => f.jsonName).join(', ')} may be set` };
}

const DECODE_FAILURE = /^cannot decode (enum|message|field|oneof) [\w.]*?(\w+) from JSON: (.*)$/s;

/** The mapping's reason in the API's words: without the proto names, an unknown key as FIELD.UNKNOWN. */
function describe(message: string): Pick<FieldViolation, 'reason' | 'description'> {
  const [, kind, typeName = '', detail = message] = DECODE_FAILURE.exec(message) ?? [];
  const unknownKey = /^key (".*") is unknown$/s.exec(detail);
  if (unknownKey) return { reason: 'FIELD.UNKNOWN', description: `unknown field ${unknownKey[1]}` };
  // 1e309 is worded as the routes that read bodies with zod word it.
  if (detail === 'unexpected infinite number')
    return { reason: 'FIELD.INVALID', description: BEYOND_DOUBLE_RANGE };
  const description = kind === 'enum' || kind === 'message' ? `not a ${typeName}: ${detail}` : detail;
  return { reason: 'FIELD.INVALID', description };
}

/**
 * What the proto3 JSON mapping of `schema` refused in `json` (failing with `error`), as a field violation
 * naming the field by its JSON path; what concerns the input as a whole is named `where` (body, query).
 */
export function protoJsonViolation(
  schema: DescMessage,
  json: unknown,
  error: unknown,
  where: string,
): FieldViolation {
  const failure = error instanceof Error ? error.message : String(error);
  const refused = refusedIn(schema, json, '', failure);
  return { field: refused.path || where, ...describe(refused.message) };
}
