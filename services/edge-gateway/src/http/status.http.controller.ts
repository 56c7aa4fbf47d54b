import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DownstreamHealth } from '../downstream/downstream-health.js';
import { RATE_LIMITER } from '../gateway.di-tokens.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.port.js';
import { HEALTH_CHECK_ROUTE } from './health-check-route.js';
import { RequestAccess } from './request-access.js';
import type { HealthAnswer, StatusAnswer } from './status-answers.js';

/**
 * `GET /health` for the gateway itself; `GET /status` with the gRPC health of every downstream, and
 * where the rate-limit buckets are kept. Neither is timed or traced as API traffic (health-check-route.ts).
 */
@Controller()
export class StatusHttpController {
  constructor(
    private readonly downstreamHealth: DownstreamHealth,
    private readonly access: RequestAccess,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  @Get('health')
  @RouteConfig(HEALTH_CHECK_ROUTE)
  health(): HealthAnswer {
    return { status: 'ok' };
  }

  /**
   * 200 when every downstream is SERVING, 503 otherwise; always lists each one's state. A rate-limit
   * backend that does not answer is DEGRADED in `rateLimits` but no 503: the gateway serves on, each
   * replica limiting on its own. Counted against the client address like the API. Anyone sees names
   * and states; the internal addresses (each service's, Redis's) only an operator, and a request with
   * an Authorization header must be an operator's.
   */
  @Get('status')
  @RouteConfig(HEALTH_CHECK_ROUTE)
  async status(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const forOperator = request.headers.authorization !== undefined;
    if (forOperator) await this.access.operator(request);
    else await this.access.anyone(request);
    const states = await this.downstreamHealth.states();
    const healthy = states.every((s) => s.status === 'SERVING');
    const { address, ...rateLimits } = this.limiter.state();
    const answer: StatusAnswer = {
      status: healthy ? 'SERVING' : 'DEGRADED',
      services: forOperator ? states : states.map(({ service, status }) => ({ service, status })),
      rateLimits: forOperator && address !== undefined ? { ...rateLimits, address } : rateLimits,
    };
    await reply.status(healthy ? 200 : 503).send(answer);
  }
}
