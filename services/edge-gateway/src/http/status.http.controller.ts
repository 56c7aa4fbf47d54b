import { Controller, Get, Inject, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { checkHealth, PLATFORM_CONFIG, type PlatformConfig } from '@iot-mesh/platform';
import type { FastifyReply } from 'fastify';
import type { DownstreamName } from '../config.js';
import { DOWNSTREAM_APIS, type Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM, RATE_LIMITER } from '../gateway.di-tokens.js';
import { HEALTH_CHECK_ROUTE } from './health-check-route.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.port.js';

/**
 * `GET /health` for the gateway itself; `GET /status` with the gRPC health of every downstream, and
 * where the rate-limit buckets are kept. Neither is timed or traced as API traffic (health-check-route.ts).
 */
@Controller()
export class StatusHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  @Get('health')
  @RouteConfig(HEALTH_CHECK_ROUTE)
  health() {
    return { status: 'ok' };
  }

  /**
   * 200 when every downstream is SERVING, 503 otherwise; always lists each one's state. A rate-limit
   * backend that does not answer is DEGRADED in `rateLimits` but no 503: the gateway serves on, each
   * replica limiting on its own.
   */
  @Get('status')
  @RouteConfig(HEALTH_CHECK_ROUTE)
  async status(@Res() reply: FastifyReply): Promise<void> {
    const names = Object.keys(DOWNSTREAM_APIS) as DownstreamName[];
    const states = await Promise.all(
      names.map(async (name) => {
        const state = await checkHealth(
          this.downstream.address(name),
          this.platform.tls,
          DOWNSTREAM_APIS[name].definition.fullName,
        );
        return { service: name, address: this.downstream.address(name), status: state };
      }),
    );
    const healthy = states.every((s) => s.status === 'SERVING');
    await reply
      .status(healthy ? 200 : 503)
      .send({ status: healthy ? 'SERVING' : 'DEGRADED', services: states, rateLimits: this.limiter.state() });
  }
}
