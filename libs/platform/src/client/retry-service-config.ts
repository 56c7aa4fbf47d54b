/** Retry policy for idempotent methods, written as gRPC service config (A6 retry design). */
export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  backoffMultiplier: 2,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

/**
 * Retry throttling per server address (A6): each failed attempt takes one of 10 tokens, each success
 * gives back 0.1, and there is no retry while half the tokens or fewer are left. So after about 5
 * failed attempts (a service down or overloaded: little more than one call's retries) a caller sends
 * each call once instead of maxAttempts times, and retries again only after enough successes, at most
 * one retry per 10 successful calls in the long run. The values are A6's own example; without a
 * throttle an outage multiplies the load on the failing service by maxAttempts.
 */
export const RETRY_THROTTLING = { maxTokens: 10, tokenRatio: 0.1 } as const;

/**
 * Service config that retries UNAVAILABLE with exponential backoff, only for the listed
 * idempotent methods (retrying a non-idempotent call could apply it twice), throttled. A server that
 * answers with a negative `grpc-retry-pushback-ms` is not retried (NO_RETRY_PUSHBACK).
 */
export function retryServiceConfig(
  serviceFullName: string,
  idempotentMethods: readonly string[],
  policy: RetryPolicy,
): string {
  if (idempotentMethods.length === 0) return JSON.stringify({ methodConfig: [] });
  return JSON.stringify({
    retryThrottling: RETRY_THROTTLING,
    methodConfig: [
      {
        name: idempotentMethods.map((method) => ({ service: serviceFullName, method })),
        retryPolicy: {
          maxAttempts: policy.maxAttempts,
          initialBackoff: seconds(policy.initialBackoffMs),
          maxBackoff: seconds(policy.maxBackoffMs),
          backoffMultiplier: policy.backoffMultiplier,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  });
}
