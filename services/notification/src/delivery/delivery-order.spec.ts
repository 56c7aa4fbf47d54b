import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { KyselyNotificationStore } from '../infrastructure/kysely-notification.store.js';
import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  queuedNotification,
  type Notification,
} from '../notifications/domain/notification.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DeliveryMetrics } from './delivery.metrics.js';
import { PermanentDeliveryError, type NotificationTransport } from './notification-transport.port.js';

/**
 * A receiver that has a blip on every notification's first attempt (it fails, to be retried) and
 * refuses the ones whose subject says so for good. It records what it accepted and how many
 * attempts of each ordering key ran at the same time.
 */
class BlippingTransport implements NotificationTransport {
  readonly channel = Channel.CHANNEL_LOG;
  readonly accepted: Notification[] = [];
  readonly attemptsSeen = new Map<string, number>();
  private readonly runningPerKey = new Map<string, number>();
  private running = 0;
  sameKeyOverlaps = 0;
  mostAtOnce = 0;

  async deliver(notification: Notification): Promise<void> {
    const key = notification.orderingKey;
    const runningForKey = (this.runningPerKey.get(key) ?? 0) + 1;
    if (runningForKey > 1) this.sameKeyOverlaps++;
    this.runningPerKey.set(key, runningForKey);
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, 15));
      const attempt = (this.attemptsSeen.get(notification.id) ?? 0) + 1;
      this.attemptsSeen.set(notification.id, attempt);
      if (notification.subject === 'refused') throw new PermanentDeliveryError('refused for good');
      if (attempt === 1) throw new Error('HTTP 503');
      this.accepted.push(notification);
    } finally {
      this.runningPerKey.set(key, runningForKey - 1);
      this.running--;
    }
  }

  close(): void {}
}

const queued = (id: string, orderingKey: string, subject: string): Notification =>
  queuedNotification(
    id,
    {
      idempotencyKey: `key-${id}`,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_LOG,
      recipient: '',
      subject,
      body: 'b',
      attributes: {},
      orderingKey,
    },
    Date.now(),
  );

describe('delivery dispatcher: order per ordering key', () => {
  let dir: string;
  let store: KyselyNotificationStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dispatcher-order-'));
    store = await KyselyNotificationStore.open({ kind: 'sqlite', file: join(dir, 'outbox.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers each key in queue order despite retries, keys side by side, a dead letter ending its turn', async () => {
    const ALERTS = 12;
    // Ids sort against the queue order, so neither the id nor chance can give the right order.
    for (let i = 0; i < ALERTS; i++) {
      const key = `alert:a-${i}`;
      await store.insert(queued(`ntf-z${i}`, key, i === 0 ? 'refused' : 'FIRING'));
      await store.insert(queued(`ntf-m${i}`, key, 'RESOLVED'));
      await store.insert(queued(`ntf-a${i}`, key, 'UPDATED'));
    }
    const transport = new BlippingTransport();
    const dispatchers = [0, 1].map(
      () =>
        new DeliveryDispatcher(
          store,
          new Map([[transport.channel, transport]]),
          {
            // Jitter as in production: a retried earlier record may come due after a later one.
            retry: { maxAttempts: 3, backoffMs: 20, maxBackoffMs: 40 },
            pollIntervalMs: 5,
            timeoutMs: 1_000,
            concurrency: 10,
          },
          pino({ level: 'silent' }),
          new DeliveryMetrics(new Registry()),
        ),
    );
    dispatchers.forEach((d) => d.start());
    while ((await store.list({ status: DeliveryStatus.DELIVERY_STATUS_PENDING }, undefined, 1)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(dispatchers.map((d) => d.stop()));

    const acceptedPerKey = new Map<string, string[]>();
    for (const n of transport.accepted) {
      acceptedPerKey.set(n.orderingKey, [...(acceptedPerKey.get(n.orderingKey) ?? []), n.subject]);
    }
    expect(acceptedPerKey.get('alert:a-0')).toEqual(['RESOLVED', 'UPDATED']);
    for (let i = 1; i < ALERTS; i++) {
      expect([`alert:a-${i}`, acceptedPerKey.get(`alert:a-${i}`)]).toEqual([
        `alert:a-${i}`,
        ['FIRING', 'RESOLVED', 'UPDATED'],
      ]);
    }
    expect(transport.sameKeyOverlaps).toBe(0);
    // Other keys do not wait for each other.
    expect(transport.mostAtOnce).toBeGreaterThan(1);
    await expect(store.findById('ntf-z0')).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      attempts: 1,
    });
  });
});
