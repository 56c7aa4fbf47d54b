import { status, type ServiceError } from '@grpc/grpc-js';
import {
  DeadlineExceededError,
  decodeStatusDetails,
  downstreamUnavailable,
  DownstreamUnavailableError,
  RelayedGrpcError,
  tlsHandshakeFailure,
  UnavailableError,
} from '@iot-mesh/platform';
import type { DownstreamName } from '../config.js';
import { unsafeToRepeat } from './downstream-clients.js';
import { requestNeverSent } from './request-never-sent.js';

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
 * What a failed call of `method` means for the gateway's caller: an unreachable service is UNAVAILABLE
 * (HTTP 503) naming that service, one that did not answer in time DEADLINE_EXCEEDED (504, as
 * grpc-gateway maps it: the request may have taken effect, so a retry should be one that is safe to
 * repeat); any other answer (bad input, not found, ...) is relayed as is. UNAVAILABLE is the gateway's
 * answer after its own retries, so the caller's gRPC client is told not to retry it again. A write that
 * is not safe to repeat gets UNAVAILABLE (503: not taken) only when it is known not to have happened.
 */
export function fromDownstream(service: DownstreamName, method: string, error: unknown): Error {
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
    // Without its answer, grpc-js says UNAVAILABLE also when the connection was lost after the request
    // was sent, or a proxy gave up waiting: the write may have happened, and a repeat may duplicate it.
    if (!cause && !requestNeverSent(error.details) && unsafeToRepeat(service, method)) {
      return new DeadlineExceededError(
        'DOWNSTREAM.OUTCOME_UNKNOWN',
        `the answer of ${service} was lost; the request may have taken effect: check before repeating it`,
        { service },
      );
    }
    // One that could not be reached because of a certificate says so: "unavailable" alone sends an
    // operator to a healthy service.
    const tls = cause ? undefined : tlsHandshakeFailure(error.details);
    const why = cause ? `: ${CAUSES.get(cause) ?? 'it cannot serve now'} (${cause})` : tls ? `: ${tls}` : '';
    return downstreamUnavailable(error, 'DOWNSTREAM.UNAVAILABLE', `${service} is unavailable${why}`, {
      service,
      ...(cause ? { cause } : {}),
    });
  }
  return new RelayedGrpcError(error.code, error.details, error.metadata, service);
}

/**
 * The registry's failure to verify a device's key: nothing was taken, whatever the failure, as the
 * request stops here. A timeout is 503 like an unreachable registry, not the 504 "may have taken
 * effect" of other timeouts, so that the device may simply send again.
 */
export function authenticationFailed(error: unknown): Error {
  if (!isServiceError(error) || error.code !== status.DEADLINE_EXCEEDED) {
    return fromDownstream('device-registry', 'VerifyDeviceKey', error);
  }
  return new DownstreamUnavailableError(
    'DOWNSTREAM.UNAVAILABLE',
    'the device could not be authenticated: device-registry did not answer in time; nothing was taken',
    { service: 'device-registry' },
  );
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
