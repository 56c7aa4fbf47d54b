import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { METRICS_REGISTRY, PLATFORM_LOGGER } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { FailureStreakLog } from '@iot-mesh/platform';
import { Counter, type Registry } from 'prom-client';
import {
  ALERT_MANAGER_CONFIG,
  ALERT_STORE,
  CLOCK,
  NOTIFICATION_OUTBOX,
  NOTIFICATION_SENDER,
} from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import type { QueuedOutboxEntry } from './domain/outbox-entry.js';
import { retryDelayMs } from './domain/retry-backoff.js';
import type { NotificationOutbox } from './notification-outbox.port.js';
import type { NotificationSender } from './notification-sender.port.js';

const BATCH = 50;

const errorText = (error: unknown): string =>
  error instanceof Error ? ((error as { details?: string }).details ?? error.message) : String(error);

/**
 * Hands outbox entries to the notification service: right after new ones are committed and
 * every OUTBOX_POLL_INTERVAL_MS for retries. An entry leaves the outbox only once the service
 * accepted it, so an outage delays notifications but loses none; the idempotency key makes a
 * repeated hand-over (a lost response, two replicas) harmless.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly outcomes: Counter<'result'>;
  private readonly outboxReads: FailureStreakLog;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(ALERT_STORE) store: AlertStore,
    @Inject(NOTIFICATION_OUTBOX) private readonly outbox: NotificationOutbox,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.outboxReads = new FailureStreakLog(logger, 'reading the notification outbox');
    this.outcomes = new Counter({
      name: 'alert_manager_notification_handovers_total',
      help: 'Attempts to hand alert notifications to the notification service, by result',
      labelNames: ['result'],
      registers: [registry],
    });
    store.onCommit((notice) => {
      if (notice.outbox) this.wake();
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), this.config.outbox.pollIntervalMs);
    this.wake();
  }

  /** Stops after the hand-over in progress; what is left stays in the outbox for the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = this.deliverDue().finally(() => {
      this.running = undefined;
      if (this.runAgain) {
        this.runAgain = false;
        this.wake();
      }
    });
  }

  private async deliverDue(): Promise<void> {
    try {
      for (;;) {
        const due = await this.outbox.dueEntries(this.now(), BATCH);
        this.outboxReads.succeeded();
        for (const entry of due) {
          // After one failure the service is most likely down: the rest waits for the next round.
          if (this.stopped || !(await this.deliver(entry))) return;
        }
        if (due.length < BATCH) return;
      }
    } catch (error) {
      this.outboxReads.failed(error);
    }
  }

  private async deliver(entry: QueuedOutboxEntry): Promise<boolean> {
    try {
      await this.sender.send(entry);
    } catch (error) {
      const attempts = entry.attempts + 1;
      const delay = retryDelayMs(attempts, this.config.outbox.retry, Math.random);
      await this.outbox.reschedule(entry.id, attempts, this.now() + delay, errorText(error));
      this.outcomes.inc({ result: 'failed' });
      this.logger.warn(
        { idempotencyKey: entry.idempotencyKey, attempts, retryInMs: delay, error: errorText(error) },
        'notification not accepted yet; will retry',
      );
      return false;
    }
    await this.outbox.remove(entry.id);
    this.outcomes.inc({ result: 'sent' });
    this.logger.info(
      { idempotencyKey: entry.idempotencyKey, alertId: entry.alertId },
      'notification handed over',
    );
    return true;
  }
}
