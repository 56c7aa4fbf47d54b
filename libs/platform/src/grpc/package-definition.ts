import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { BinaryReader } from '@bufbuild/protobuf/wire';
import { BufferReader } from './buffer-reader.js';

/** Encode/decode pair that ts-proto generates for every message. */
// Method syntax keeps parameters bivariant, so every generated MessageFns<T> fits.
export interface MessageCodec<T = unknown> {
  encode(message: T): { finish(): Uint8Array };
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

const serializer = (codec: MessageCodec) => (value: unknown) => Buffer.from(codec.encode(value).finish());
const deserializer = (codec: MessageCodec) => (bytes: Buffer) => codec.decode(new BufferReader(bytes));

/**
 * A grpc-js service definition whose (de)serialisation is ts-proto's own code, so the objects
 * handlers and clients see are exactly the generated TypeScript types (FieldMask as string[],
 * Timestamp as {seconds, nanos}, numeric enums, defaults filled in).
 */
export function toServiceDefinition(service: GenericServiceDefinition): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [key, method] of Object.entries(service.methods)) {
    definition[method.name] = {
      path: `/${service.fullName}/${method.name}`,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      requestSerialize: serializer(method.requestType),
      requestDeserialize: deserializer(method.requestType),
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
): Record<string, ServiceDefinition> {
  return Object.fromEntries(services.map((service) => [service.fullName, toServiceDefinition(service)]));
}
