import { Inject, Injectable } from '@nestjs/common';
import { ResourceExhaustedError } from '@iot-mesh/platform';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, RATE_LIMITER } from '../gateway.di-tokens.js';
import type { RateLimiter } from './rate-limiter.port.js';

/** Applies the per-device and per-client-IP limits; over the limit is RESOURCE_EXHAUSTED with a retry delay. */
@Injectable()
export class RateLimits {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async forDevice(deviceId: string): Promise<void> {
    await this.check(`device:${deviceId}`, this.config.rateLimits.device, 'device');
  }

  async forClient(ip: string): Promise<void> {
    await this.check(`ip:${ip}`, this.config.rateLimits.ip, 'client address');
  }

  private async check(key: string, limit: GatewayConfig['rateLimits']['device'], who: string): Promise<void> {
    const decision = await this.limiter.consume(key, limit);
    if (!decision.allowed) {
      throw new ResourceExhaustedError(
        'RATE_LIMIT.EXCEEDED',
        `rate limit for this ${who} exceeded`,
        decision.retryAfterMs,
        {
          limit_per_second: String(limit.perSecond),
          burst: String(limit.burst),
        },
      );
    }
  }
}
