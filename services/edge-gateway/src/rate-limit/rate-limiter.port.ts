import type { BucketLimit } from './token-bucket.js';

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/** Token-bucket rate limiting by key ("device:<id>", "ip:<addr>"). */
export interface RateLimiter {
  consume(key: string, limit: BucketLimit, cost?: number): Promise<RateDecision>;
  close(): Promise<void>;
}
