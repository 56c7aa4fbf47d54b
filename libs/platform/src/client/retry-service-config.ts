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
 * Service config that retries UNAVAILABLE with exponential backoff, only for the listed
 * idempotent methods (retrying a non-idempotent call could apply it twice). A server that answers
 * with a negative `grpc-retry-pushback-ms` is not retried (NO_RETRY_PUSHBACK). Not throttled (A6's
 * retryThrottling): it stops retries once most attempts fail, which is every attempt while a callee
 * restarts, the gap these retries ride through.
 */
export function retryServiceConfig(
  serviceFullName: string,
  idempotentMethods: readonly string[],
  policy: RetryPolicy,
): string {
  if (idempotentMethods.length === 0) return JSON.stringify({ methodConfig: [] });
  return JSON.stringify({
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
