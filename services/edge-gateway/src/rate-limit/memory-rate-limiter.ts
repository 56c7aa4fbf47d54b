import { growingLruCache } from '@iot-mesh/platform';
import type { RateDecision, RateLimiter, RateLimitBackendState } from './rate-limiter.port.js';
import { take, type BucketLimit, type BucketState } from './token-bucket.js';

/** Buckets in this process: right for one gateway replica; bounded so a key flood cannot grow memory. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = growingLruCache<string, BucketState>(200_000);

  constructor(private readonly now: () => number = Date.now) {}

  consume(key: string, limit: BucketLimit, cost = 1): Promise<RateDecision> {
    const result = take(this.buckets.get(key), this.now(), limit, cost);
    this.buckets.set(key, result.state);
    return Promise.resolve({ allowed: result.allowed, retryAfterMs: result.retryAfterMs });
  }

  state(): RateLimitBackendState {
    return { backend: 'memory', status: 'SERVING' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
