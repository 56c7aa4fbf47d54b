import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { DeliverySettings } from '../config.js';
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
import type { NotificationTransport } from './notification-transport.port.js';

/** Records every delivery and how many ran at once per notification. */
class RecordingTransport implements NotificationTransport {
  readonly channel = Channel.CHANNEL_LOG;
  readonly deliveries: string[] = [];
  readonly running = new Set<string>();
  overlaps = 0;

  async deliver(notification: Notification): Promise<void> {
    if (this.running.has(notification.id)) this.overlaps++;
    this.running.add(notification.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.running.delete(notification.id);
    this.deliveries.push(notification.id);
  }

  close(): void {}
}

const settings: DeliverySettings = {
  retry: { maxAttempts: 3, backoffMs: 10, maxBackoffMs: 10 },
  pollIntervalMs: 5,
  timeoutMs: 1_000,
  concurrency: 4,
};

const pending = (id: string, channel = Channel.CHANNEL_LOG): Notification =>
  queuedNotification(
    id,
    {
      idempotencyKey: `key-${id}`,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel,
      recipient: channel === Channel.CHANNEL_EMAIL ? 'ops@example.com' : '',
      subject: 's',
      body: 'b',
      attributes: {},
      orderingKey: '',
    },
    Date.now(),
  );

const dispatcherFor = (
  outbox: KyselyNotificationStore,
  transports: NotificationTransport[],
  changes: Partial<DeliverySettings> = {},
) =>
  new DeliveryDispatcher(
    outbox,
    new Map(transports.map((t) => [t.channel, t])),
    { ...settings, ...changes },
    pino({ level: 'silent' }),
    new DeliveryMetrics(new Registry()),
  );

describe('delivery dispatcher', () => {
  let dir: string;
  let store: KyselyNotificationStore;
  const settle = async (id: string) => {
    while ((await store.findById(id))?.status === DeliveryStatus.DELIVERY_STATUS_PENDING) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dispatcher-'));
    store = await KyselyNotificationStore.open({ kind: 'sqlite', file: join(dir, 'outbox.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers each record exactly once with two dispatchers on one outbox, then stops cleanly', async () => {
    const queued = Array.from({ length: 30 }, (_, i) => pending(`ntf-${String(i).padStart(2, '0')}`));
    for (const record of queued) await store.insert(record);
    const transport = new RecordingTransport();
    const dispatchers = [dispatcherFor(store, [transport]), dispatcherFor(store, [transport])];
    dispatchers.forEach((d) => d.start());
    while ((await store.list({ status: DeliveryStatus.DELIVERY_STATUS_PENDING }, undefined, 1)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(dispatchers.map((d) => d.stop()));

    expect([...transport.deliveries].sort()).toEqual(queued.map((r) => r.id));
    expect(transport.overlaps).toBe(0);
    const stored = await store.list({}, undefined, 100);
    expect(
      stored.every((r) => r.status === DeliveryStatus.DELIVERY_STATUS_DELIVERED && r.attempts === 1),
    ).toBe(true);
  });

  it('dead-letters records of a channel that is not configured', async () => {
    const record = pending('ntf-email', Channel.CHANNEL_EMAIL);
    await store.insert(record);
    const dispatcher = dispatcherFor(store, []);
    dispatcher.start();
    await settle(record.id);
    await dispatcher.stop();
    await expect(store.findById(record.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      attempts: 1,
      lastError: 'channel email is not configured',
    });
  });

  it('bounds an attempt whose transport never answers', async () => {
    const record = pending('ntf-hang');
    await store.insert(record);
    const hanging: NotificationTransport = {
      channel: Channel.CHANNEL_LOG,
      deliver: () => new Promise<void>(() => undefined),
      close: () => undefined,
    };
    const dispatcher = dispatcherFor(store, [hanging], { timeoutMs: 20 });
    dispatcher.start();
    await settle(record.id);
    await dispatcher.stop();
    await expect(store.findById(record.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      attempts: settings.retry.maxAttempts,
      lastError: 'no answer within 20 ms',
    });
  });
});
