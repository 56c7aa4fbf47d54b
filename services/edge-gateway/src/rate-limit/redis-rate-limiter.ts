import { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from './rate-limiter.port.js';
import type { BucketLimit } from './token-bucket.js';

// The same arithmetic as token-bucket.ts, run atomically inside Redis so every gateway replica
// shares one bucket per key. Time comes from the Redis server, so replicas' clocks do not matter.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or burst
local updated = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) / 1000 * rate)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, retry}
`;

type TakeCommand = (key: string, rate: number, burst: number, cost: number) => Promise<[number, number]>;

/**
 * Buckets in Redis (REDIS_URL): several gateway replicas enforce one shared limit. When Redis cannot
 * answer, requests are let through (fail open) and `onError` is told: rate limiting protects the
 * platform, it must not take it down.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 500,
      disconnectTimeout: 200,
    });
    this.redis.on('error', onError);
    this.redis.defineCommand('iotmeshTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  async consume(key: string, limit: BucketLimit, cost = 1): Promise<RateDecision> {
    const takeToken = (this.redis as unknown as { iotmeshTakeToken: TakeCommand }).iotmeshTakeToken.bind(
      this.redis,
    );
    try {
      const [allowed, retryAfterMs] = await takeToken(`ratelimit:${key}`, limit.perSecond, limit.burst, cost);
      return { allowed: allowed === 1, retryAfterMs };
    } catch (error) {
      this.onError(error);
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }
}
