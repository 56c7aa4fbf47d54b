import { status, type ServiceError } from '@grpc/grpc-js';
import { RelayedGrpcError, UnavailableError } from '@iot-mesh/platform';
import type { DownstreamName } from '../config.js';

const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/**
 * What a failed downstream call means for the gateway's caller: an unreachable or slow service is
 * UNAVAILABLE naming that service; any other answer (bad input, not found, ...) is relayed as is.
 */
export function fromDownstream(service: DownstreamName, error: unknown): Error {
  if (!isServiceError(error)) return error instanceof Error ? error : new Error(String(error));
  if (TRANSIENT.has(error.code)) {
    return new UnavailableError('DOWNSTREAM.UNAVAILABLE', `${service} is unavailable`, { service });
  }
  return new RelayedGrpcError(error.code, error.details, error.metadata, service);
}
