import type { BucketLimit } from './token-bucket.js';

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/** Where the buckets are kept and whether that answers, for /status. */
export interface RateLimitBackendState {
  backend: 'memory' | 'redis';
  /** host:port of a shared backend (never its credentials). */
  address?: string;
  /** DEGRADED: a shared backend does not answer, and each gateway replica limits on its own. */
  status: 'SERVING' | 'DEGRADED';
  detail?: string;
}

/** Token-bucket rate limiting by key ("device:<id>", "ip:<addr>"). */
export interface RateLimiter {
  consume(key: string, limit: BucketLimit, cost?: number): Promise<RateDecision>;
  state(): RateLimitBackendState;
  close(): Promise<void>;
}
