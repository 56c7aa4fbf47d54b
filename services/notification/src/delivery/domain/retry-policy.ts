import { DeliveryStatus, type Notification } from '../../notifications/domain/notification.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included; after the last failure the record is dead-lettered. */
  maxAttempts: number;
  /** Delay after the first failure; it doubles with every further failure. */
  backoffMs: number;
  maxBackoffMs: number;
}

export type AttemptResult = { ok: true } | { ok: false; error: string; permanent: boolean };

const MAX_ERROR_LENGTH = 1_000;

/**
 * Delay before the next attempt after `failedAttempts` failures: backoffMs·2^(n-1), capped at
 * maxBackoffMs, then "equal jitter" (between half and all of it) so that the retries of many
 * notifications to an endpoint that was down do not all arrive in the same instant.
 */
export function backoffDelay(
  failedAttempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.backoffMs * 2 ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(exponential, policy.maxBackoffMs);
  return Math.round(capped / 2 + (capped / 2) * random());
}

/**
 * The record after one delivery attempt: delivered, rescheduled with backoff, or dead-lettered
 * (FAILED) once the attempts are used up or the failure cannot get better by retrying. The last
 * error is kept after a later success, as a trace of the trouble the delivery had.
 */
export function afterAttempt(
  record: Notification,
  result: AttemptResult,
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Notification {
  const attempts = record.attempts + 1;
  if (result.ok) {
    return {
      ...record,
      attempts,
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      deliverTime: now,
      nextAttemptTime: null,
    };
  }
  const lastError = result.error.slice(0, MAX_ERROR_LENGTH) || 'delivery failed';
  if (result.permanent || attempts >= policy.maxAttempts) {
    return {
      ...record,
      attempts,
      lastError,
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      nextAttemptTime: null,
    };
  }
  return { ...record, attempts, lastError, nextAttemptTime: now + backoffDelay(attempts, policy, random) };
}
