import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * How an outage of the shared rate-limit backend (Redis) shows: one warning when it begins and one line
 * when it ends, not a line per request; every decision this replica had to take alone counted; and
 * whether the backend answers, in a gauge and in /status. Before, an outage showed nowhere.
 */
export class RateLimitBackendOutages {
  private outage = false;
  private readonly decisionsAlone: Counter;
  private readonly up: Gauge;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    registry: Registry,
  ) {
    this.decisionsAlone = new Counter({
      name: 'edge_gateway_rate_limit_backend_errors_total',
      help: "Rate-limit decisions the shared backend (Redis) could not make, taken from this replica's own buckets",
      registers: [registry],
    });
    this.up = new Gauge({
      name: 'edge_gateway_rate_limit_backend_up',
      help: '1 while the shared rate-limit backend (Redis) answers, 0 while each replica limits on its own',
      registers: [registry],
    });
    this.up.set(1);
  }

  get down(): boolean {
    return this.outage;
  }

  began(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.up.set(0);
    this.logger.warn(
      { err: error },
      'rate-limit backend unreachable: each gateway replica enforces the limits on its own until it is back',
    );
  }

  ended(): void {
    if (!this.outage) return;
    this.outage = false;
    this.up.set(1);
    this.logger.info('rate-limit backend reachable again: the limits are shared again');
  }

  /** A decision the backend could not make: this replica made it from its own buckets. */
  decidedAlone(error: unknown): void {
    this.decisionsAlone.inc();
    this.began(error);
  }
}
