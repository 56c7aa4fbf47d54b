import { Redis } from 'ioredis';
import type { RateLimitBackendOutages } from './backend-outages.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { RateDecision, RateLimiter, RateLimitBackendState } from './rate-limiter.port.js';
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
 * While Redis stays connected but answers the script with errors (out of memory, read-only replica),
 * how often a probe tries it again, so that the end of the outage shows in /status and the gauge
 * without waiting for a rate-limited request. A lost connection needs none: its 'ready' event ends it.
 */
export const RECOVERY_PROBE_INTERVAL_MS = 1_000;
/** The probe's key: the script run for a cost of 0, so it takes no token; the key expires within 2 s. */
const PROBE_KEY = 'ratelimit:iotmesh-backend-probe';

/**
 * Buckets in Redis (REDIS_URL): several gateway replicas enforce one shared limit. While Redis does not
 * answer, each replica decides from buckets of its own instead (per replica, so up to replicas × the
 * limit in all): limits that still hold beat none, and rate limiting, there to protect the platform,
 * must not take it down, so a request neither waits for Redis nor fails for it. `outages` tells of it.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly alone = new MemoryRateLimiter();
  private readonly address: string;
  private lastError: unknown;
  /** The database REDIS_URL names that this connection's server refused to SELECT, if it did. */
  private wrongDatabase: Error | undefined;
  private closing = false;
  private recoveryProbe: NodeJS.Timeout | undefined;
  private probing = false;

  /** Connected (or its first attempt failed, which is an outage like any later one: the gateway serves on). */
  static async connect(url: string, outages: RateLimitBackendOutages): Promise<RedisRateLimiter> {
    const limiter = new RedisRateLimiter(url, outages);
    await limiter.redis.connect().catch(() => undefined);
    return limiter;
  }

  private constructor(
    url: string,
    private readonly outages: RateLimitBackendOutages,
  ) {
    const { hostname, port } = new URL(url);
    this.address = `${hostname}:${port || '6379'}`;
    this.redis = new Redis(url, {
      lazyConnect: true,
      // Nothing waits for a connection: a command while Redis is not ready, or cut off by a lost
      // connection, fails at once instead of queueing until its timeout (0.5 s per bucket, every request).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A Redis that takes connections but does not answer: the command fails and the connection is
      // dropped, so that the requests after it do not wait as well.
      commandTimeout: 500,
      socketTimeout: 500,
      connectTimeout: 2_000,
      disconnectTimeout: 200,
      // However long the outage: reconnects at least every 2 s, so the limits are soon shared again.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('connect', () => (this.wrongDatabase = undefined));
    this.redis.on('error', (error) => {
      this.lastError = error;
      this.wrongDatabase ??= refusedDatabase(error);
    });
    this.redis.on('close', () => {
      if (!this.closing) this.outages.began(this.lastError);
    });
    this.redis.on('ready', () => {
      // ioredis stays on database 0 when the SELECT of REDIS_URL's database fails: buckets there could
      // meet other data, so that connection is not used, as if Redis were down, until one selects it.
      if (this.wrongDatabase) {
        this.outages.began(this.wrongDatabase);
        return;
      }
      this.lastError = undefined;
      this.outages.ended();
    });
    this.redis.defineCommand('iotmeshTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  async consume(key: string, limit: BucketLimit, cost = 1): Promise<RateDecision> {
    if (!this.usable) return this.decideAlone(key, limit, cost, this.wrongDatabase ?? this.lastError);
    try {
      const [allowed, retryAfterMs] = await this.takeToken(
        `ratelimit:${key}`,
        limit.perSecond,
        limit.burst,
        cost,
      );
      // Also the end of an outage of error replies, through which the connection stayed up.
      this.outages.ended();
      return { allowed: allowed === 1, retryAfterMs };
    } catch (error) {
      return this.decideAlone(key, limit, cost, error);
    }
  }

  state(): RateLimitBackendState {
    if (!this.outages.down) return { backend: 'redis', address: this.address, status: 'SERVING' };
    const why =
      this.wrongDatabase?.message ?? 'Redis does not answer, or answers the rate-limit commands with errors';
    return {
      backend: 'redis',
      address: this.address,
      status: 'DEGRADED',
      detail: `${why}: each gateway replica enforces the limits on its own`,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopRecoveryProbe();
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  private decideAlone(key: string, limit: BucketLimit, cost: number, error: unknown): Promise<RateDecision> {
    this.outages.decidedAlone(error);
    this.startRecoveryProbe();
    return this.alone.consume(key, limit, cost);
  }

  /** Connected, and to the database REDIS_URL names. */
  private get usable(): boolean {
    return this.redis.status === 'ready' && this.wrongDatabase === undefined;
  }

  private get takeToken(): TakeCommand {
    return (this.redis as unknown as { iotmeshTakeToken: TakeCommand }).iotmeshTakeToken.bind(this.redis);
  }

  /** Runs only during an outage (started by a decision taken alone, stopped when it ends): no cost otherwise. */
  private startRecoveryProbe(): void {
    if (this.recoveryProbe !== undefined || this.closing) return;
    this.recoveryProbe = setInterval(() => void this.probeRecovery(), RECOVERY_PROBE_INTERVAL_MS);
    this.recoveryProbe.unref();
  }

  private stopRecoveryProbe(): void {
    clearInterval(this.recoveryProbe);
    this.recoveryProbe = undefined;
  }

  private async probeRecovery(): Promise<void> {
    if (!this.outages.down || this.closing) {
      this.stopRecoveryProbe();
      return;
    }
    // Not connected (or to the wrong database): the reconnection's 'ready' event ends the outage.
    if (this.probing || !this.usable) return;
    this.probing = true;
    try {
      // The script itself, not a PING: a Redis out of memory answers PING but still refuses the script.
      await this.takeToken(PROBE_KEY, 1, 1, 0);
      if (!this.closing) this.outages.ended();
      this.stopRecoveryProbe();
    } catch (error) {
      this.lastError = error;
    } finally {
      this.probing = false;
    }
  }
}

/** The error of a refused SELECT (ioredis reports it only as an 'error' event), said plainly; else undefined. */
function refusedDatabase(error: Error & { command?: { name: string; args: unknown[] } }): Error | undefined {
  if (error.command?.name !== 'select') return undefined;
  const database = String(error.command.args[0]);
  return new Error(`Redis refused database ${database} of REDIS_URL (${error.message})`);
}
