import { Counter, Histogram, type Registry } from 'prom-client';

export type AttemptOutcome = 'delivered' | 'retry' | 'failed';

/** Domain metrics of the dispatcher: attempts by channel and outcome, and how long they take. */
export class DeliveryMetrics {
  private readonly attempts: Counter<'channel' | 'outcome'>;
  private readonly duration: Histogram<'channel'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'notification_delivery_attempts_total',
      help: 'Delivery attempts by channel and outcome (delivered, retry, failed = dead-lettered)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'notification_delivery_seconds',
      help: 'Duration of one delivery attempt',
      labelNames: ['channel'],
      buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  record(channel: string, outcome: AttemptOutcome, seconds: number): void {
    this.attempts.inc({ channel, outcome });
    this.duration.observe({ channel }, seconds);
  }
}
