import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { type Any } from '@iot-mesh/proto/google/protobuf/any';
import { type Duration } from '@iot-mesh/proto/google/protobuf/duration';
import { BadRequest, ErrorInfo, RetryInfo } from '@iot-mesh/proto/google/rpc/error_details';
import { Status } from '@iot-mesh/proto/google/rpc/status';
import { type DomainError, type DomainErrorKind } from './domain-error.js';
import { ResourceExhaustedError } from './resource-exhausted.error.js';
import { ValidationError } from './validation.error.js';

/** The error object grpc-js turns into a call's final status. */
export interface GrpcErrorObject {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

const STATUS_BY_KIND: Record<DomainErrorKind, GrpcStatus> = {
  'invalid-argument': GrpcStatus.INVALID_ARGUMENT,
  'not-found': GrpcStatus.NOT_FOUND,
  'already-exists': GrpcStatus.ALREADY_EXISTS,
  'failed-precondition': GrpcStatus.FAILED_PRECONDITION,
  'out-of-range': GrpcStatus.OUT_OF_RANGE,
  'deadline-exceeded': GrpcStatus.DEADLINE_EXCEEDED,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  'permission-denied': GrpcStatus.PERMISSION_DENIED,
  'resource-exhausted': GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
};

const ERROR_DOMAIN = 'iot-mesh';
const TYPE_URL_PREFIX = 'type.googleapis.com/';

function pack(typeName: string, value: Uint8Array): Any {
  return { typeUrl: TYPE_URL_PREFIX + typeName, value };
}

function durationOf(ms: number): Duration {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

function detailsOf(error: DomainError): Any[] {
  const details = [
    pack(
      'google.rpc.ErrorInfo',
      ErrorInfo.encode({
        reason: error.code,
        domain: ERROR_DOMAIN,
        metadata: { ...error.metadata },
      }).finish(),
    ),
  ];
  if (error instanceof ValidationError) {
    const fieldViolations = error.violations.map(({ field, description, reason }) => ({
      field,
      description,
      reason,
    }));
    details.push(pack('google.rpc.BadRequest', BadRequest.encode({ fieldViolations }).finish()));
  }
  if (error instanceof ResourceExhaustedError && error.retryAfterMs !== undefined) {
    const retryDelay = durationOf(error.retryAfterMs);
    details.push(pack('google.rpc.RetryInfo', RetryInfo.encode({ retryDelay }).finish()));
  }
  return details;
}

/**
 * Maps a domain error to a gRPC status with google.rpc details (ErrorInfo always, BadRequest for
 * field errors, RetryInfo for limits) in `grpc-status-details-bin`, as the rich error model prescribes.
 */
export function toGrpcError(error: DomainError): GrpcErrorObject {
  const code = STATUS_BY_KIND[error.kind];
  const metadata = new Metadata();
  const status = Status.encode({ code, message: error.message, details: detailsOf(error) }).finish();
  metadata.set('grpc-status-details-bin', Buffer.from(status));
  return { code, details: error.message, metadata };
}
