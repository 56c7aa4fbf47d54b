import { status, type ServiceError } from '@grpc/grpc-js';
import { downstreamUnavailable } from '@iot-mesh/platform';

// Failures after which the downstream's answer is simply not known yet: the caller may retry.
const TRANSIENT = new Set<number>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.CANCELLED,
  status.UNKNOWN,
  status.INTERNAL,
]);

export const isServiceError = (error: unknown): error is ServiceError =>
  error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';

/**
 * A transient downstream failure, after this service's own retries, as UNAVAILABLE, which our caller
 * retries only where that can help (downstreamUnavailable); anything else is a contract bug between services and is
 * rethrown, to surface as INTERNAL and in the log.
 */
export function unavailableOr(
  error: unknown,
  code: string,
  message: string,
  metadata: Record<string, string> = {},
): never {
  if (isServiceError(error) && TRANSIENT.has(error.code)) {
    throw downstreamUnavailable(error, code, `${message}: ${error.details}`, metadata);
  }
  throw error;
}
