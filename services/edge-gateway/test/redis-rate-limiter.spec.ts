import { eventually, freePort } from '@iot-mesh/platform/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { RateLimitBackendOutages } from '../src/rate-limit/backend-outages.js';
import { RedisRateLimiter } from '../src/rate-limit/redis-rate-limiter.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

const OUTAGE_BEGAN =
  'rate-limit backend unreachable: each gateway replica enforces the limits on its own until it is back';
const OUTAGE_ENDED = 'rate-limit backend reachable again: the limits are shared again';

/** A gateway replica's limiter, with what it logs and counts. */
async function replica(url: string) {
  const lines: { msg: string; err?: { message: string } }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  const registry = new Registry();
  const limiter = await RedisRateLimiter.connect(url, new RateLimitBackendOutages(logger, registry));
  const counted = async () =>
    (await registry.getSingleMetric('edge_gateway_rate_limit_backend_errors_total')!.get()).values[0]?.value;
  const up = async () =>
    (await registry.getSingleMetric('edge_gateway_rate_limit_backend_up')!.get()).values[0]?.value;
  const logged = (msg: string) => lines.filter((line) => line.msg === msg).length;
  const reasons = (msg: string) => lines.filter((line) => line.msg === msg).map((line) => line.err?.message);
  return { limiter, counted, up, logged, reasons };
}

describe('rate limits shared through Redis', () => {
  const servers: TestRedis[] = [];
  const limiters: RedisRateLimiter[] = [];
  const startRedis = async (port?: number) => {
    const redis = await startTestRedis(port);
    servers.push(redis);
    return redis;
  };
  const startReplica = async (url: string) => {
    const started = await replica(url);
    limiters.push(started.limiter);
    return started;
  };
  /** Whether each of `count` requests for `key` is allowed. */
  const allowed = async (limiter: RedisRateLimiter, key: string, count: number) => {
    const decisions: boolean[] = [];
    for (let i = 0; i < count; i++) decisions.push((await limiter.consume(key, limit)).allowed);
    return decisions;
  };
  const limit = { perSecond: 0.01, burst: 2 };
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('makes two gateway replicas draw from one bucket per key', async () => {
    const redis = await startRedis();
    const [replicaA, replicaB] = [
      (await startReplica(redis.url)).limiter,
      (await startReplica(redis.url)).limiter,
    ];
    const shared = { perSecond: 0.5, burst: 3 };
    const decisions = [];
    for (const one of [replicaA, replicaB, replicaA, replicaB])
      decisions.push(await one.consume('device:shared', shared));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3].retryAfterMs).toBeGreaterThan(0);
    expect(decisions[3].retryAfterMs).toBeLessThanOrEqual(2_000);
    await expect(replicaB.consume('device:other', shared)).resolves.toMatchObject({ allowed: true });
    expect(replicaA.state()).toEqual({
      backend: 'redis',
      address: redis.url.slice('redis://'.length),
      status: 'SERVING',
    });
  });

  /** Moves a bucket's last draw `ms` into the past, as if that long had passed since (Redis's own clock). */
  const drawnAgo = async (url: string, key: string, ms: number) => {
    const redis = new Redis(url);
    try {
      const updated = Number(await redis.hget(`ratelimit:${key}`, 'updated'));
      await redis.hset(`ratelimit:${key}`, 'updated', String(updated - ms));
    } finally {
      redis.disconnect();
    }
  };

  it('refills a bucket at the rate, and never beyond the burst', async () => {
    const redis = await startRedis();
    const { limiter } = await startReplica(redis.url);
    const steady = { perSecond: 1, burst: 2 };
    const take = async (key: string) => (await limiter.consume(key, steady)).allowed;
    const takes = async (key: string, count: number) => {
      const decisions: boolean[] = [];
      for (let i = 0; i < count; i++) decisions.push(await take(key));
      return decisions;
    };

    expect(await takes('device:refill', 3)).toEqual([true, true, false]);
    await drawnAgo(redis.url, 'device:refill', 1_100);
    expect(await takes('device:refill', 2)).toEqual([true, false]);

    // Idle for a minute, a bucket of 2 holds 2, not the 60 the rate would have added.
    expect(await takes('device:idle', 2)).toEqual([true, true]);
    await drawnAgo(redis.url, 'device:idle', 60_000);
    expect(await takes('device:idle', 4)).toEqual([true, true, false, false]);
  });

  it('limits each replica on its own while Redis is down, says so once, and shares the buckets again once it is back', async () => {
    const redis = await startRedis();
    const [a, b] = [await startReplica(redis.url), await startReplica(redis.url)];
    expect([await a.limiter.consume('device:x', limit), await b.limiter.consume('device:x', limit)]).toEqual([
      { allowed: true, retryAfterMs: 0 },
      { allowed: true, retryAfterMs: 0 },
    ]);

    await redis.stop();
    // Each replica's own bucket: the limit still holds, once per replica.
    expect(await allowed(a.limiter, 'device:x', 3)).toEqual([true, true, false]);
    expect(await allowed(b.limiter, 'device:x', 2)).toEqual([true, true]);
    expect(a.limiter.state()).toMatchObject({ backend: 'redis', status: 'DEGRADED' });
    expect([a.logged(OUTAGE_BEGAN), await a.counted(), b.logged(OUTAGE_BEGAN), await b.counted()]).toEqual([
      1, 3, 1, 2,
    ]);

    await redis.restart();
    await eventually(
      () =>
        a.limiter.state().status === 'SERVING' && b.limiter.state().status === 'SERVING' ? true : undefined,
      'both replicas to reach Redis again',
    );
    // The restarted Redis is empty: one fresh bucket of two for both replicas.
    expect([
      ...(await allowed(a.limiter, 'device:x', 1)),
      ...(await allowed(b.limiter, 'device:x', 2)),
    ]).toEqual([true, true, false]);
    expect([a.logged(OUTAGE_BEGAN), a.logged(OUTAGE_ENDED), await a.counted()]).toEqual([1, 1, 3]);
  });

  it('limits on its own when Redis is not there from the start, and shares the buckets once it is', async () => {
    const port = await freePort();
    const alone = await startReplica(`redis://127.0.0.1:${port}`);
    expect(alone.limiter.state()).toMatchObject({ status: 'DEGRADED' });
    expect(await allowed(alone.limiter, 'device:y', 3)).toEqual([true, true, false]);
    expect([alone.logged(OUTAGE_BEGAN), await alone.counted()]).toEqual([1, 3]);

    const redis = await startRedis(port);
    await eventually(
      () => (alone.limiter.state().status === 'SERVING' ? true : undefined),
      'Redis to be reached',
    );
    const other = await startReplica(redis.url);
    expect([
      ...(await allowed(alone.limiter, 'device:y', 1)),
      ...(await allowed(other.limiter, 'device:y', 2)),
    ]).toEqual([true, true, false]);
    expect([alone.logged(OUTAGE_BEGAN), alone.logged(OUTAGE_ENDED)]).toEqual([1, 1]);
  });

  it('shows the end of an outage of error replies without waiting for a request', async () => {
    const redis = await startRedis();
    const replicaOf = await startReplica(redis.url);
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0, disconnectTimeout: 0 });
    try {
      // Redis stays connected but refuses the script's writes (OOM error replies).
      await admin.config('SET', 'maxmemory', '1');
      expect(await allowed(replicaOf.limiter, 'device:z', 1)).toEqual([true]);
      expect(replicaOf.limiter.state()).toMatchObject({ status: 'DEGRADED' });
      expect([await replicaOf.up(), await replicaOf.counted(), replicaOf.logged(OUTAGE_BEGAN)]).toEqual([
        0, 1, 1,
      ]);

      await admin.config('SET', 'maxmemory', '0');
      // No request: the status and the gauge follow Redis on their own.
      await eventually(
        () => (replicaOf.limiter.state().status === 'SERVING' ? true : undefined),
        'the outage to end without a request',
        10_000,
      );
      expect([await replicaOf.up(), await replicaOf.counted(), replicaOf.logged(OUTAGE_ENDED)]).toEqual([
        1, 1, 1,
      ]);
      // Shared again: Redis's bucket, untouched by the request decided alone, has its two tokens.
      expect(await allowed(replicaOf.limiter, 'device:z', 3)).toEqual([true, true, false]);
    } finally {
      admin.disconnect();
    }
  });

  it('limits on its own, and says why, when Redis refuses the database REDIS_URL names', async () => {
    const redis = await startRedis();
    // Redis has 16 databases by default: ioredis's SELECT 99 fails, and it would go on in database 0.
    const [wrong, right] = [await startReplica(`${redis.url}/99`), await startReplica(`${redis.url}/3`)];
    const refused = 'Redis refused database 99 of REDIS_URL (ERR DB index is out of range)';

    expect(await allowed(wrong.limiter, 'device:db', 3)).toEqual([true, true, false]);
    expect(wrong.limiter.state()).toMatchObject({
      status: 'DEGRADED',
      detail: `${refused}: each gateway replica enforces the limits on its own`,
    });
    expect([wrong.reasons(OUTAGE_BEGAN), await wrong.counted(), await wrong.up()]).toEqual([[refused], 3, 0]);
    expect(await allowed(right.limiter, 'device:db', 1)).toEqual([true]);
    expect(right.limiter.state()).toMatchObject({ status: 'SERVING' });

    // Only the replica whose database exists wrote a bucket, and in that database.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0, disconnectTimeout: 0 });
    try {
      expect(await admin.dbsize()).toBe(0);
      await admin.select(3);
      expect(await admin.keys('*')).toEqual(['ratelimit:device:db']);
    } finally {
      admin.disconnect();
    }
  });
});
