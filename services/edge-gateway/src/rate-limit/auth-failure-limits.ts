import { Inject, Injectable } from '@nestjs/common';
import { ResourceExhaustedError } from '@iot-mesh/platform';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, RATE_LIMITER } from '../gateway.di-tokens.js';
import type { RateLimiter } from './rate-limiter.port.js';

/**
 * A budget of failed device authentications per client address (RATE_LIMIT_AUTH_FAILURES_*), shared
 * through Redis like the other buckets. Each key the registry refuses cost it a scrypt run, so each
 * verification of a key the gateway has not cached takes a token before the registry is asked, and gets
 * it back unless the key is refused: only refusals use the budget up, and an address that spent it gets
 * 429 / RESOURCE_EXHAUSTED without a registry call. Taken beforehand, so concurrent requests cannot
 * overdraw it: at most `burst` such verifications of one address run at once.
 */
@Injectable()
export class AuthFailureLimits {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Before a key of `client` goes to the registry. */
  async take(client: string): Promise<void> {
    const limit = this.config.rateLimits.authFailures;
    const decision = await this.limiter.consume(bucketOf(client), limit);
    if (decision.allowed) return;
    throw new ResourceExhaustedError(
      'RATE_LIMIT.AUTH_FAILURES',
      'too many invalid API keys from this client address',
      decision.retryAfterMs,
      { limit_per_second: String(limit.perSecond), burst: String(limit.burst) },
    );
  }

  /** The registry did not refuse the key (it accepted it, or could not answer): the token goes back. */
  async giveBack(client: string): Promise<void> {
    await this.limiter.consume(bucketOf(client), this.config.rateLimits.authFailures, -1);
  }
}

const bucketOf = (client: string) => `authfail:${client}`;
