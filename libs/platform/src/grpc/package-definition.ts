import type { MethodDefinition, Server, ServiceDefinition } from '@grpc/grpc-js';
import { BinaryWriter, type BinaryReader } from '@bufbuild/protobuf/wire';
import { ValidationError } from '../errors/validation.error.js';
import { BufferReader } from './buffer-reader.js';
import { nulTextField, nulTextViolation } from './nul-text.js';

/** Encode/decode pair that ts-proto generates for every message. */
// Method syntax keeps parameters bivariant, so every generated MessageFns<T> fits.
export interface MessageCodec<T = unknown> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array): T;
}

/** The shape of ts-proto's `outputServices=generic-definitions` service descriptors. */
export interface GenericServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: Readonly<
    Record<
      string,
      {
        readonly name: string;
        readonly requestType: MessageCodec;
        readonly requestStream: boolean;
        readonly responseType: MessageCodec;
        readonly responseStream: boolean;
      }
    >
  >;
}

/** What a server checks of every request before its handler, beyond decoding it. */
export interface RequestChecks {
  /**
   * Refuse a request whose text holds U+0000 with INVALID_ARGUMENT naming the field (default true).
   * A service that checks the readings of a batch one by one turns it off, so that one such reading
   * is refused alone, as any other bad reading, rather than failing its batch.
   */
  refuseNulText?: boolean;
}

/** Past this size a message's writer is dropped after use, so one large answer is not kept for good. */
const KEPT_WRITER_BYTES = 1024 * 1024;
// One writer for every message this thread encodes (encoding is synchronous): it keeps the buffer it
// grew, where a new writer per message starts at 1 KiB and doubles up to the message's size, copying
// as it goes. Encoding a 100-reading batch took 39-40 µs against 65-71 (1,000 readings: 192-378
// against 474-522).
let writer = new BinaryWriter();
const serializer = (codec: MessageCodec) => (value: unknown) => {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(value, writer).finish();
  } catch (error) {
    writer = new BinaryWriter(); // a failed encode leaves bytes and forks behind
    throw error;
  }
  if (bytes.byteLength > KEPT_WRITER_BYTES) writer = new BinaryWriter();
  // finish() already copied the bytes out of the writer: a view of that copy, not a second one.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
const deserializer = (codec: MessageCodec) => (bytes: Buffer) => codec.decode(new BufferReader(bytes));

/**
 * What a server makes of a request it refuses before any handler: one it cannot decode (not protobuf,
 * or a 64-bit number past 2^53), or one whose text PostgreSQL cannot store. The observability
 * interceptor answers it with INVALID_ARGUMENT. grpc-js would answer INTERNAL, a server fault, for
 * what is the caller's.
 */
export class UndecodableRequest {
  constructor(
    readonly reason: string,
    /** What the caller is told: by default the message as a whole is at fault. */
    readonly error = new ValidationError(
      [{ field: 'request', reason: 'REQUEST.UNDECODABLE', description: reason }],
      'REQUEST.UNDECODABLE',
    ),
  ) {}
}
/** A request deserializer that hands the handler an UndecodableRequest instead of throwing. */
export const refusingUndecodable =
  <T>(deserialize: (bytes: Buffer) => T) =>
  (bytes: Buffer): T | UndecodableRequest => {
    try {
      return deserialize(bytes);
    } catch (error) {
      return new UndecodableRequest((error as Error).message);
    }
  };

/**
 * Decodes requests; with `refuseNulText`, one whose text holds U+0000 becomes an UndecodableRequest
 * naming the field. PostgreSQL refuses that character in text, so a lookup by such an id was an
 * INTERNAL error there (and a NOT_FOUND on SQLite); no field of the API needs it. The cost is a
 * character search in each string the reader decodes afresh (not the ids and units it reuses): a
 * 100-reading batch decoded in 30-47 µs, 0-3 µs more than without; the message is walked only when a
 * string held it.
 */
const requestDeserializer = (codec: MessageCodec, refuseNulText: boolean) =>
  refusingUndecodable((bytes): unknown => {
    const reader = new BufferReader(bytes, refuseNulText);
    const message = codec.decode(reader);
    if (!reader.nulRead) return message;
    const field = nulTextField(message) ?? 'request';
    return new UndecodableRequest(`${field} holds U+0000`, new ValidationError([nulTextViolation(field)]));
  });

/**
 * A server to hand libraries that add their own services (health, reflection): each is added with
 * request deserializers that refuse undecodable bytes, as the platform's own services do. grpc-js
 * alone answers them INTERNAL, and mid-stream (reflection) could leave the call hanging.
 */
export const refusingUndecodableRequests = (
  server: Pick<Server, 'addService'>,
): Pick<Server, 'addService'> => ({
  addService: (definition, implementation) =>
    server.addService(
      Object.fromEntries(
        Object.entries(definition).map(([name, method]) => [
          name,
          { ...method, requestDeserialize: refusingUndecodable(method.requestDeserialize) },
        ]),
      ),
      implementation,
    ),
});

/**
 * A grpc-js service definition whose (de)serialisation is ts-proto's own code, so the objects
 * handlers and clients see are exactly the generated TypeScript types (FieldMask as string[],
 * Timestamp as {seconds, nanos}, numeric enums, defaults filled in).
 */
export function toServiceDefinition(
  service: GenericServiceDefinition,
  { refuseNulText = true }: RequestChecks = {},
): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [key, method] of Object.entries(service.methods)) {
    definition[method.name] = {
      path: `/${service.fullName}/${method.name}`,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      requestSerialize: serializer(method.requestType),
      requestDeserialize: requestDeserializer(method.requestType, refuseNulText),
      responseSerialize: serializer(method.responseType),
      responseDeserialize: deserializer(method.responseType),
      // NestJS and ts-proto name handlers in camelCase ("getDevice").
      originalName: key,
    };
  }
  return definition;
}

/** A package definition for NestJS's `packageDefinition` option or grpc.loadPackageDefinition. */
export function toPackageDefinition(
  services: readonly GenericServiceDefinition[],
  checks: RequestChecks = {},
): Record<string, ServiceDefinition> {
  return Object.fromEntries(
    services.map((service) => [service.fullName, toServiceDefinition(service, checks)]),
  );
}
