import { RedisRateLimiter } from '../src/rate-limit/redis-rate-limiter.js';
import { startTestRedis } from './redis-server.js';

describe('rate limits shared through Redis', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  const limiters: RedisRateLimiter[] = [];
  const limiter = (onError?: (e: unknown) => void) => {
    const created = new RedisRateLimiter(redis.url, onError);
    limiters.push(created);
    return created;
  };
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await redis.stop();
  });

  it('makes two gateway replicas draw from one bucket per key', async () => {
    const [replicaA, replicaB] = [limiter(), limiter()];
    const limit = { perSecond: 0.5, burst: 3 };
    const decisions = [];
    for (const replica of [replicaA, replicaB, replicaA, replicaB])
      decisions.push(await replica.consume('device:shared', limit));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3].retryAfterMs).toBeGreaterThan(0);
    expect(decisions[3].retryAfterMs).toBeLessThanOrEqual(2_000);
    await expect(replicaB.consume('device:other', limit)).resolves.toMatchObject({ allowed: true });
  });

  it('lets requests through and reports the error when Redis is gone', async () => {
    const errors: unknown[] = [];
    const orphan = limiter((e) => errors.push(e));
    await orphan.consume('device:x', { perSecond: 1, burst: 1 });
    await redis.stop();
    await expect(orphan.consume('device:x', { perSecond: 1, burst: 1 })).resolves.toEqual({
      allowed: true,
      retryAfterMs: 0,
    });
    expect(errors.length).toBeGreaterThan(0);
  });
});
