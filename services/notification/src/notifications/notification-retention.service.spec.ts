import { loadConfig, PRUNE_BATCH_ROWS } from '@iot-mesh/platform';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { notificationConfigSchema } from '../config.js';
import { KyselyNotificationStore } from '../infrastructure/kysely-notification.store.js';
import { Channel, DeliveryStatus, NotificationKind, queuedNotification } from './domain/notification.js';
import { NotificationRetentionService } from './notification-retention.service.js';

const HOUR = 3_600_000;
const NOW = 1_700_000_000_000;
const config = loadConfig(notificationConfigSchema, {});
const queued = (id: string, ageHours: number, status: DeliveryStatus) => ({
  ...queuedNotification(
    id,
    {
      idempotencyKey: `key-${id}`,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_LOG,
      recipient: '',
      subject: id,
      body: 'body',
      attributes: {},
      orderingKey: '',
    },
    NOW - ageHours * HOUR,
  ),
  status,
});

describe.each(DATABASE_KINDS)('notification retention on %s', (kind) => {
  const opened = freshStore(kind, 'notification_retention', (settings) =>
    KyselyNotificationStore.open(settings),
  );

  it('deletes notifications delivered, or failed and queued, before the retention, in batches; never pending ones', async () => {
    const store = opened();
    const { DELIVERY_STATUS_DELIVERED: DELIVERED, DELIVERY_STATUS_FAILED: FAILED } = DeliveryStatus;
    const old = Array.from({ length: PRUNE_BATCH_ROWS + 3 }, (_, i) =>
      queued(`old-${i}`, 169, i % 2 ? FAILED : DELIVERED),
    );
    for (const n of [
      ...old,
      queued('pending-old', 400, DeliveryStatus.DELIVERY_STATUS_PENDING),
      // Queued long ago, delivered lately (after an outage): it counts from its delivery.
      { ...queued('delivered-late', 400, DELIVERED), deliverTime: NOW - HOUR },
      queued('delivered-recent', 167, DELIVERED),
      queued('failed-recent', 1, FAILED),
    ])
      await store.insert(n);
    const registry = new Registry();
    const retention = new NotificationRetentionService(
      store,
      config,
      () => NOW,
      pino({ level: 'silent' }),
      registry,
    );
    await retention.prune();

    const left = (await store.list({}, undefined, 1_000)).map((n) => n.id).sort();
    expect(left).toEqual(['delivered-late', 'delivered-recent', 'failed-recent', 'pending-old']);
    const counted = await registry.getSingleMetric('notification_pruned_total')!.get();
    expect(counted.values[0].value).toBe(old.length);
    // Its key is free again: the same request now queues a new notification.
    await expect(store.insert(queued('old-0', 0, DeliveryStatus.DELIVERY_STATUS_PENDING))).resolves.toBe(
      true,
    );
  });
});

describe('notification retention settings', () => {
  it('defaults to a week, and takes whole hours of at least one', () => {
    expect(config.retention).toEqual({ notificationsMs: 168 * HOUR, pruneIntervalMs: 600_000 });
    expect(
      loadConfig(notificationConfigSchema, { NOTIFICATION_RETENTION_HOURS: '1' }).retention.notificationsMs,
    ).toBe(HOUR);
    for (const bad of ['0', '1.5', 'week'])
      expect(() => loadConfig(notificationConfigSchema, { NOTIFICATION_RETENTION_HOURS: bad })).toThrow(
        'NOTIFICATION_RETENTION_HOURS',
      );
  });
});
