import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FailureStreakLog, METRICS_REGISTRY, PLATFORM_LOGGER, RepeatingTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
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
import { NotificationRejectedError, type NotificationSender } from './notification-sender.port.js';

const BATCH = 50;

const errorText = (error: unknown): string =>
  error instanceof Error ? ((error as { details?: string }).details ?? error.message) : String(error);

/**
 * Hands outbox entries to the notification service: right after new ones are committed and
 * every OUTBOX_POLL_INTERVAL_MS for retries. An entry leaves the outbox only once the service
 * accepted it, so an outage delays notifications but loses none; the idempotency key makes a
 * repeated hand-over (a lost response, two replicas) harmless. One the service refused for good
 * stays in the outbox marked failed, logged and counted (result "rejected"), and is not retried.
 * An alert's entries for one channel go one at a time, in order (dueEntries holds the later ones
 * back), so the notification service queues its RESOLVED after its FIRING whatever the retries did.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly outcomes: Counter<'result'>;
  private readonly outboxReads: FailureStreakLog;
  private readonly handOvers: FailureStreakLog;
  private readonly task: RepeatingTask;
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
    // Each due entry is tried in every round, so an outage would otherwise log a line per entry.
    this.handOvers = new FailureStreakLog(
      logger,
      'handing notifications to the notification service',
      'warn',
    );
    this.outcomes = new Counter({
      name: 'alert_manager_notification_handovers_total',
      help: 'Attempts to hand alert notifications to the notification service, by result (sent; failed: retried later; rejected: refused for good, kept in the outbox as failed)',
      labelNames: ['result'],
      registers: [registry],
    });
    // deliverDue handles its own errors, so the task needs no failure log.
    this.task = new RepeatingTask(() => this.deliverDue(), config.outbox.pollIntervalMs);
    store.onCommit((notice) => {
      if (notice.outbox) this.task.wake();
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Stops after the hand-over in progress; what is left stays in the outbox for the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
  }

  /**
   * One round: every entry due when it starts is tried once, a page at a time. A failure
   * reschedules or fails that entry alone; the others are still handed over. The task runs it (timer and
   * commits); tests call it to drive rounds one by one.
   */
  async deliverDue(): Promise<void> {
    // A rescheduled entry is due after the round started, so no later page holds it again.
    const roundStart = this.now();
    try {
      for (;;) {
        const due = await this.outbox.dueEntries(roundStart, BATCH);
        this.outboxReads.succeeded();
        for (const entry of due) {
          if (this.stopped) return;
          await this.deliver(entry);
        }
        if (due.length < BATCH) return;
      }
    } catch (error) {
      this.outboxReads.failed(error);
    }
  }

  private async deliver(entry: QueuedOutboxEntry): Promise<void> {
    try {
      await this.sender.send(entry);
    } catch (error) {
      if (error instanceof NotificationRejectedError) await this.failForGood(entry, error);
      else await this.retryLater(entry, error);
      return;
    }
    await this.outbox.remove(entry.id);
    this.handOvers.succeeded();
    this.outcomes.inc({ result: 'sent' });
    this.logger.info(
      { idempotencyKey: entry.idempotencyKey, alertId: entry.alertId },
      'notification handed over',
    );
  }

  private async retryLater(entry: QueuedOutboxEntry, error: unknown): Promise<void> {
    const attempts = entry.attempts + 1;
    const delay = retryDelayMs(attempts, this.config.outbox.retry, Math.random);
    await this.outbox.reschedule(entry.id, attempts, this.now() + delay, errorText(error));
    this.outcomes.inc({ result: 'failed' });
    this.handOvers.failed(error);
    this.logger.debug(
      { idempotencyKey: entry.idempotencyKey, attempts, retryInMs: delay, error: errorText(error) },
      'notification not accepted yet; will retry',
    );
  }

  private async failForGood(entry: QueuedOutboxEntry, rejection: NotificationRejectedError): Promise<void> {
    const attempts = entry.attempts + 1;
    await this.outbox.markFailed(entry.id, attempts, this.now(), rejection.message);
    this.outcomes.inc({ result: 'rejected' });
    this.logger.error(
      {
        idempotencyKey: entry.idempotencyKey,
        alertId: entry.alertId,
        channel: entry.channel,
        attempts,
        reason: rejection.message,
      },
      'notification refused for good by the notification service; kept in the outbox as failed, not retried',
    );
  }
}
