import {
  createFileRegistry,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type DescMethod,
  type JsonValue,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { ValidationError } from '@iot-mesh/platform';
import { DESCRIPTOR_SET_BASE64 } from '@iot-mesh/proto/descriptor-set';
import { protoJsonViolation } from './proto-json-violation.js';

/** A ts-proto message's binary codec: the services speak these, the JSON side goes through the wire form. */
export interface BinaryCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/**
 * Every message and service of proto/, for proto3 JSON exactly as the standard (and grpc-gateway)
 * maps it: unknown keys, wrong types, out-of-range numbers, a null list item or two members of one
 * oneof are refused, durations read and written as "30s", 64-bit integers as strings.
 */
const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
);

/** The names (proto and JSON) of every map field in proto/: what follows one in a field path is a key. */
export const MAP_FIELD_NAMES: ReadonlySet<string> = new Set(
  [...registry].flatMap((type) =>
    type.kind === 'message'
      ? type.fields
          .filter((field) => field.fieldKind === 'map')
          .flatMap((field) => [field.name, field.jsonName])
      : [],
  ),
);

/** A message type by its full name (`iotmesh.alert.v1.Rule`); a missing one is a programming error. */
export function messageSchema(typeName: string): DescMessage {
  const schema = registry.getMessage(typeName);
  if (!schema) throw new Error(`${typeName} is not in proto/`);
  return schema;
}

/** A method of a service by their full and short names (`iotmesh.device.v1.DeviceRegistry`, `GetDevice`). */
export function methodSchema(serviceName: string, methodName: string): DescMethod {
  const method = registry.getService(serviceName)?.methods.find((m) => m.name === methodName);
  if (!method) throw new Error(`${serviceName}/${methodName} is not in proto/`);
  return method;
}

/**
 * Reads proto3 JSON into a ts-proto message; anything the mapping refuses is a 400 naming the field by
 * its JSON path, or `where` (body, query) when it is the input as a whole.
 */
export function messageFromJson<T>(
  schema: DescMessage,
  codec: BinaryCodec<T>,
  json: unknown,
  where = 'body',
): T {
  let bytes: Uint8Array;
  try {
    bytes = toBinary(schema, fromJson(schema, json as JsonValue));
  } catch (error) {
    throw new ValidationError([protoJsonViolation(schema, json, error, where)]);
  }
  return codec.decode(bytes);
}

/** Writes a ts-proto message as proto3 JSON, with every field, zero values included (as grpc-gateway). */
export function messageToJson<T>(schema: DescMessage, codec: BinaryCodec<T>, message: T): JsonValue {
  return toJson(schema, fromBinary(schema, codec.encode(message).finish()), { alwaysEmitImplicit: true });
}

/**
 * messageToJson for one message type, its schema looked up once: how every REST answer that is a proto
 * message is written, so the whole API speaks one JSON mapping (64-bit integers as strings, empty
 * lists and maps written, Durations as "30s").
 */
export function proto3Writer<T>(typeName: string, codec: BinaryCodec<T>): (message: T) => JsonValue {
  const schema = messageSchema(typeName);
  return (message) => messageToJson(schema, codec, message);
}
