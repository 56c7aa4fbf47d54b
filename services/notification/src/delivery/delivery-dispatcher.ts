import type { Logger } from 'pino';
import { FailureStreakLog } from '@iot-mesh/platform';
import type { DeliverySettings } from '../config.js';
import type { NotificationStore } from '../infrastructure/notification-store.port.js';
import {
  CHANNEL_NAMES,
  DeliveryStatus,
  type Channel,
  type Notification,
} from '../notifications/domain/notification.js';
import type { DeliveryMetrics } from './delivery.metrics.js';
import { afterAttempt, type AttemptResult } from './domain/retry-policy.js';
import { PermanentDeliveryError, type NotificationTransport } from './notification-transport.port.js';

type Outbox = Pick<NotificationStore, 'listDue' | 'claim' | 'saveAttempt'>;

const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, timeout, ...) is in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/**
 * Works the outbox in the background: polls for due pending notifications, claims each one
 * (so no other dispatcher or poll delivers it at the same time), attempts delivery and records
 * the outcome with backoff or dead-lettering. stop() ends polling and waits for running attempts.
 */
export class DeliveryDispatcher {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;
  // A claim outlives an attempt (bounded by the transport timeout) with room to record it.
  private readonly leaseMs: number;
  private readonly pollFailures: FailureStreakLog;

  constructor(
    private readonly outbox: Outbox,
    private readonly transports: ReadonlyMap<Channel, NotificationTransport>,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly metrics: DeliveryMetrics,
    private readonly now: () => number = Date.now,
  ) {
    this.leaseMs = settings.timeoutMs * 2 + 5_000;
    this.pollFailures = new FailureStreakLog(logger, 'outbox poll');
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    await Promise.allSettled(this.inFlight.values());
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        if (!this.stopped) this.schedule(this.settings.pollIntervalMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      const capacity = this.settings.concurrency - this.inFlight.size;
      if (capacity <= 0) return;
      const now = this.now();
      const due = await this.outbox.listDue(now, capacity);
      this.pollFailures.succeeded();
      for (const record of due) {
        if (this.stopped) return;
        if (this.inFlight.has(record.id) || record.nextAttemptTime === null) continue;
        const leaseUntil = now + this.leaseMs;
        if (!(await this.outbox.claim(record.id, record.nextAttemptTime, leaseUntil))) continue;
        const attempt = this.attempt({ ...record, nextAttemptTime: leaseUntil }).finally(() =>
          this.inFlight.delete(record.id),
        );
        this.inFlight.set(record.id, attempt);
      }
    } catch (error) {
      this.pollFailures.failed(error);
    }
  }

  private async attempt(record: Notification): Promise<void> {
    const started = performance.now();
    const result = await this.deliver(record);
    const updated = afterAttempt(record, result, this.now(), this.settings.retry);
    const channel = CHANNEL_NAMES[record.channel];
    const outcome =
      updated.status === DeliveryStatus.DELIVERY_STATUS_DELIVERED
        ? 'delivered'
        : updated.status === DeliveryStatus.DELIVERY_STATUS_FAILED
          ? 'failed'
          : 'retry';
    this.metrics.record(channel, outcome, (performance.now() - started) / 1000);
    const context = { notificationId: record.id, channel, attempts: updated.attempts };
    if (outcome === 'failed')
      this.logger.warn({ ...context, error: updated.lastError }, 'notification failed');
    else if (outcome === 'retry')
      this.logger.info({ ...context, error: updated.lastError }, 'delivery will be retried');
    else this.logger.info(context, 'notification delivered');
    try {
      if (!(await this.outbox.saveAttempt(updated, record.attempts))) {
        this.logger.warn(
          context,
          'delivery outcome not saved: the claim lapsed and another attempt took over',
        );
      }
    } catch (error) {
      // The claim lapses and the attempt runs again: at least once, never lost.
      this.logger.error({ ...context, err: error }, 'delivery outcome could not be saved');
    }
  }

  private async deliver(record: Notification): Promise<AttemptResult> {
    const transport = this.transports.get(record.channel);
    if (!transport) {
      const error = `channel ${CHANNEL_NAMES[record.channel]} is not configured`;
      return { ok: false, permanent: true, error };
    }
    let timer: NodeJS.Timeout | undefined;
    // Transports time out on their own; this bound also covers one that does not, so stop() ends.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.settings.timeoutMs} ms`)),
        this.settings.timeoutMs,
      );
    });
    try {
      await Promise.race([transport.deliver(record), timeout]);
      return { ok: true };
    } catch (error) {
      return { ok: false, permanent: error instanceof PermanentDeliveryError, error: describeError(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
