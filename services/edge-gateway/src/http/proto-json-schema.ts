import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import type { OpenAPIV3 } from 'openapi-types';

type Schema = OpenAPIV3.SchemaObject;
type SchemaOrRef = Schema | OpenAPIV3.ReferenceObject;

const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/** A scalar as proto3 JSON writes it (64-bit integers as decimal strings). */
export function scalarSchema(scalar: ScalarType): Schema {
  const int64 = (pattern: string): Schema => ({ type: 'string', format: 'int64', pattern });
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // NaN and the infinities are strings, which JSON has no numbers for.
      return {
        oneOf: [
          { type: 'number', format: scalar === ScalarType.DOUBLE ? 'double' : 'float' },
          { type: 'string', enum: NON_FINITE },
        ],
      };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', minimum: 0, maximum: 4_294_967_295 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64('^-?[0-9]+$');
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return int64('^[0-9]+$');
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', format: 'byte' };
  }
}

/** Well-known types that proto3 JSON writes in a form of their own rather than as their fields. */
function wellKnownSchema(message: DescMessage): Schema | undefined {
  const name = message.typeName;
  if (!name.startsWith('google.protobuf.')) return undefined;
  switch (name) {
    case 'google.protobuf.Timestamp':
      return { type: 'string', format: 'date-time' };
    case 'google.protobuf.Duration':
      // Seconds with 0, 3, 6 or 9 fractional digits and the unit: "30s", "1.500s".
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{3}|\\.[0-9]{6}|\\.[0-9]{9})?s$' };
    case 'google.protobuf.FieldMask':
      return { type: 'string', description: 'Field paths in lowerCamelCase, comma-separated' };
    case 'google.protobuf.Struct':
      return { type: 'object', additionalProperties: true };
    case 'google.protobuf.ListValue':
      return { type: 'array', items: {} };
    case 'google.protobuf.Value':
      return {};
    case 'google.protobuf.Any':
      return { type: 'object', required: ['@type'], properties: { '@type': { type: 'string' } } };
  }
  // The wrappers (Int64Value, StringValue, ...) are written as the value they hold.
  const value = message.fields[0];
  return message.fields.length === 1 && value?.fieldKind === 'scalar' && name.endsWith('Value')
    ? scalarSchema(value.scalar)
    : undefined;
}

/**
 * Whether a field is in every answer: scalars and enums without presence, zero values included, and
 * lists and maps, empty ones too. Message fields, oneof members and `optional` scalars are written
 * only when set.
 */
export function alwaysWritten(field: DescField): boolean {
  if (field.fieldKind === 'list' || field.fieldKind === 'map') return true;
  return (
    field.fieldKind !== 'message' &&
    field.oneof === undefined &&
    field.presence === FeatureSet_FieldPresence.IMPLICIT
  );
}

/** Where the schemas of messages and enums go: `#/components/schemas/<full name>`. */
export interface SchemaComponents {
  messageRef(message: DescMessage): OpenAPIV3.ReferenceObject;
  enumRef(descEnum: DescEnum): OpenAPIV3.ReferenceObject;
}

/** What one value of a field holds: a scalar, an enum or a message (a list's item, a map's value). */
type ValueKind =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage };

function valueSchema(value: ValueKind, components: SchemaComponents): SchemaOrRef {
  if (value.kind === 'scalar') return scalarSchema(value.scalar);
  if (value.kind === 'enum') return components.enumRef(value.enum);
  return messageValueSchema(value.message, components);
}

/** The value kind of a list's items or a map's values. */
function elementOf(field: DescField & { fieldKind: 'list' | 'map' }): ValueKind {
  const kind = field.fieldKind === 'list' ? field.listKind : field.mapKind;
  if (kind === 'scalar') return { kind, scalar: field.scalar as ScalarType };
  if (kind === 'enum') return { kind, enum: field.enum as DescEnum };
  return { kind, message: field.message as DescMessage };
}

/** A field's value: lists as arrays, maps as objects (JSON keys are strings, whatever the key type). */
export function fieldSchema(field: DescField, components: SchemaComponents): SchemaOrRef {
  switch (field.fieldKind) {
    case 'scalar':
      return valueSchema({ kind: 'scalar', scalar: field.scalar }, components);
    case 'enum':
      return valueSchema({ kind: 'enum', enum: field.enum }, components);
    case 'message':
      return valueSchema({ kind: 'message', message: field.message }, components);
    case 'list':
      return { type: 'array', items: valueSchema(elementOf(field), components) };
    case 'map':
      return { type: 'object', additionalProperties: valueSchema(elementOf(field), components) };
  }
}

/** A message where it is a value: a well-known type's own form, or a reference to its component. */
const messageValueSchema = (message: DescMessage, components: SchemaComponents) =>
  wellKnownSchema(message) ?? components.messageRef(message);

/**
 * A message as an object of its JSON names. `everyField`: the controller writes each field itself, so
 * every one is present (a page of a list); `omit` names fields it leaves out.
 */
export function messageObjectSchema(
  message: DescMessage,
  components: SchemaComponents,
  { everyField = false, omit = [] as readonly string[] } = {},
): Schema {
  const fields = message.fields.filter((field) => !omit.includes(field.jsonName));
  const required = fields
    .filter((field) => everyField || alwaysWritten(field))
    .map((field) => field.jsonName);
  return {
    type: 'object',
    title: message.typeName,
    properties: Object.fromEntries(fields.map((field) => [field.jsonName, fieldSchema(field, components)])),
    ...(required.length ? { required } : {}),
  };
}

/** An enum as its values' names: the services keep only values their enums name. */
export const enumSchema = (descEnum: DescEnum): Schema => ({
  type: 'string',
  title: descEnum.typeName,
  enum: descEnum.values.map((value) => value.name),
});
