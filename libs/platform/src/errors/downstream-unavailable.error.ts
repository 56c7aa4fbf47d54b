import { status } from '@grpc/grpc-js';
import { isServiceError } from './service-error.js';
import { UnavailableError } from './unavailable.error.js';

/**
 * This service cannot answer because a service it calls failed in a way another attempt would only
 * repeat, after this service's own retries: it did not answer in time, or refused the work. Answered
 * UNAVAILABLE with a trailer that tells the caller's gRPC retries to stop (grpc-exception.filter.ts):
 * retrying at every hop would multiply the attempts the failing service gets and hold the first caller
 * past its deadline.
 */
export class DownstreamUnavailableError extends UnavailableError {}

/** What a downstream answers when another attempt at once would only meet the same failure. */
const REPEATS_ON_RETRY = new Set<number>([
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.UNKNOWN,
  status.INTERNAL,
]);

/** The trailer of an answer that asks its callers not to retry it (A6 retry design). */
export const NO_RETRY_PUSHBACK: readonly [string, string] = ['grpc-retry-pushback-ms', '-1'];

/**
 * The UNAVAILABLE this service answers when the downstream call that failed with `error` (after this
 * service's own retries) leaves it unable to. A downstream that could not be reached is retried by
 * every caller, as those attempts are refused at once and ride through its restart; one that timed
 * out, refused the work or failed, or asked its own callers not to retry, is not retried again
 * (DownstreamUnavailableError).
 */
export function downstreamUnavailable(
  error: unknown,
  code: string,
  message: string,
  metadata: Record<string, string> = {},
): UnavailableError {
  const repeats =
    !isServiceError(error) ||
    REPEATS_ON_RETRY.has(error.code) ||
    error.metadata?.get(NO_RETRY_PUSHBACK[0])[0] === NO_RETRY_PUSHBACK[1];
  return new (repeats ? DownstreamUnavailableError : UnavailableError)(code, message, metadata);
}
