/**
 * The gateway writes proto messages as JSON two ways, and the OpenAPI document describes each as it
 * writes: the descriptor mapping (proto-json.ts `messageToJson`, the rules and pass-through routes) and
 * ts-proto's generated `toJSON` (devices, keys, aggregates, alerts, readings). They agree on names,
 * enums, Timestamps, bytes and non-finite doubles, and differ where these say.
 */
export interface JsonWriter {
  /** Named in errors when two writers would describe one message. */
  readonly name: string;
  /** 64-bit integers: proto3 JSON writes decimal strings, ts-proto (forceLong=number) JSON numbers. */
  readonly int64: 'string' | 'number';
  /** Whether an empty list or map is written (`[]`, `{}`) or left out. */
  readonly writesEmptyLists: boolean;
  /** Well-known types the writer writes as plain messages rather than in their proto3 JSON form. */
  readonly plainWellKnown: ReadonlySet<string>;
}

/** `toJson` with `alwaysEmitImplicit` (proto-json.ts): proto3 JSON as the standard and grpc-gateway write it. */
export const PROTO3_JSON: JsonWriter = {
  name: 'proto3 JSON (messageToJson)',
  int64: 'string',
  writesEmptyLists: true,
  plainWellKnown: new Set(),
};

/**
 * ts-proto's `toJSON` with emitDefaultValues=json-methods (proto/buf.gen.yaml): every scalar, zero
 * values included, but an empty list or map is left out; Duration and Any as the plain messages they are.
 */
export const TS_PROTO_JSON: JsonWriter = {
  name: "ts-proto's toJSON",
  int64: 'number',
  writesEmptyLists: false,
  plainWellKnown: new Set(['google.protobuf.Duration', 'google.protobuf.Any']),
};
