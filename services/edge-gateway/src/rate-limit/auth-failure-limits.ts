import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache, ResourceExhaustedError } from '@iot-mesh/platform';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, RATE_LIMITER } from '../gateway.di-tokens.js';
import type { RateLimiter } from './rate-limiter.port.js';

/**
 * A budget of failed device authentications per client address (RATE_LIMIT_AUTH_FAILURES_*), shared
 * through Redis like the other buckets. Each key the registry refuses cost it a scrypt run and takes a
 * token; an address whose refusals spent the budget is locked out until a token is back, and its keys
 * not known as valid (DeviceAuthService) get 429 / RESOURCE_EXHAUSTED without a registry call. Keys the
 * registry accepts cost nothing, so a fleet of devices behind one address (a NAT, an edge gateway)
 * starts as fast as the registry verifies its keys. Refusals running at the same moment may overdraw the budget a little
 * before the lockout starts; the registry bounds its concurrent verifications for that.
 */
@Injectable()
export class AuthFailureLimits {
  /** Address → when its lockout ends (ms), in this replica: one refusal past the budget starts it. */
  private readonly lockedUntil = growingLruCache<string, number>(100_000);

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Before a key of `client` goes to the registry: refused while the address is locked out. */
  check(client: string): void {
    const until = this.lockedUntil.get(client);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left > 0) throw this.exhausted(left);
    this.lockedUntil.delete(client);
  }

  /** The registry refused a key of `client`: a token of its budget, and the lockout once it is spent. */
  async refused(client: string): Promise<void> {
    const decision = await this.limiter.consume(bucketOf(client), this.config.rateLimits.authFailures);
    if (!decision.allowed) this.lockedUntil.set(client, Date.now() + decision.retryAfterMs);
  }

  private exhausted(retryAfterMs: number): ResourceExhaustedError {
    const limit = this.config.rateLimits.authFailures;
    return new ResourceExhaustedError(
      'RATE_LIMIT.AUTH_FAILURES',
      'too many invalid API keys from this client address',
      retryAfterMs,
      { limit_per_second: String(limit.perSecond), burst: String(limit.burst) },
    );
  }
}

const bucketOf = (client: string) => `authfail:${client}`;
