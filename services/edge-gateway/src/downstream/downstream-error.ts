import { status, type ServiceError } from '@grpc/grpc-js';
import {
  DeadlineExceededError,
  decodeStatusDetails,
  RelayedGrpcError,
  tlsHandshakeFailure,
  UnavailableError,
} from '@iot-mesh/platform';
import type { DownstreamName } from '../config.js';

const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.CANCELLED]);

/** The reasons services give for UNAVAILABLE, in words for the gateway's callers (a Map: any reason is a key). */
const CAUSES: ReadonlyMap<string, string> = new Map([
  ['STORAGE.UNAVAILABLE', 'its database cannot be reached'],
  ['PROCESSOR.UNAVAILABLE', 'the data processor did not accept the readings'],
  ['DEVICE_REGISTRY.UNAVAILABLE', 'the device registry did not answer'],
  ['ALERT.CONTENTION', 'the alert kept changing concurrently; retry'],
  ['ALERT_MANAGER.SHUTTING_DOWN', 'it is shutting down'],
]);

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/**
 * What a failed downstream call means for the gateway's caller: an unreachable service is UNAVAILABLE
 * (HTTP 503) naming that service, one that did not answer in time DEADLINE_EXCEEDED (504, as
 * grpc-gateway maps it: the request may have taken effect, so a retry should be one that is safe to
 * repeat); any other answer (bad input, not found, ...) is relayed as is.
 */
export function fromDownstream(service: DownstreamName, error: unknown): Error {
  if (!isServiceError(error)) return error instanceof Error ? error : new Error(String(error));
  if (error.code === status.DEADLINE_EXCEEDED) {
    return new DeadlineExceededError(
      'DOWNSTREAM.TIMEOUT',
      `${service} did not answer in time; the request may have taken effect`,
      { service },
    );
  }
  if (TRANSIENT.has(error.code)) {
    // A service that answered UNAVAILABLE itself says why (its database down, its own downstream):
    // said in our words, as its message may name internal addresses.
    const cause = decodeStatusDetails(error.metadata)?.errorInfo?.reason;
    // One that could not be reached because of a certificate says so: "unavailable" alone sends an
    // operator to a healthy service.
    const tls = cause ? undefined : tlsHandshakeFailure(error.details);
    const why = cause ? `: ${CAUSES.get(cause) ?? 'it cannot serve now'} (${cause})` : tls ? `: ${tls}` : '';
    return new UnavailableError('DOWNSTREAM.UNAVAILABLE', `${service} is unavailable${why}`, {
      service,
      ...(cause ? { cause } : {}),
    });
  }
  return new RelayedGrpcError(error.code, error.details, error.metadata, service);
}

/**
 * A downstream stream that has no end of its own (WatchAlerts), ended without a failure, as alert
 * managers before ALERT_MANAGER.SHUTTING_DOWN did on shutdown: UNAVAILABLE, which the caller retries.
 */
export function streamEnded(service: DownstreamName): UnavailableError {
  return new UnavailableError(
    'DOWNSTREAM.UNAVAILABLE',
    `${service} ended the stream: reconnect and resume after the last event received`,
    { service },
  );
}
