import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import type { Kysely } from 'kysely';
import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  queuedNotification,
  type Notification,
} from '../notifications/domain/notification.js';
import { KyselyNotificationStore } from './kysely-notification.store.js';
import { notificationMigrations } from './notification.migrations.js';

const T0 = 1_700_000_000_000;
const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/** All queued in the same millisecond, as an alert's FIRING and RESOLVED are after an outage. */
const queued = (id: string, orderingKey: string, changes: Partial<Notification> = {}): Notification => ({
  ...queuedNotification(
    id,
    {
      idempotencyKey: `key-${id}`,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_WEBHOOK,
      recipient: 'https://hooks.example.com/a',
      subject: `Subject ${id}`,
      body: 'b',
      attributes: {},
      orderingKey,
    },
    T0,
  ),
  ...changes,
});
const ids = (records: Notification[]) => records.map((r) => r.id);

const finished = (record: Notification, status: DeliveryStatus): Notification => ({
  ...record,
  status,
  attempts: 1,
  deliverTime: status === DeliveryStatus.DELIVERY_STATUS_DELIVERED ? T0 + 1 : null,
  nextAttemptTime: null,
});

/** A database with one record queued before ordering keys existed (migration 0001 only), then opened. */
async function openWithRecordFromBefore(settings: StorageSettings): Promise<KyselyNotificationStore> {
  const db = createDatabase<unknown>(settings);
  await migrateToLatest(db, { '0001_outbox': notificationMigrations(settings.kind)['0001_outbox'] });
  const { ordering_key: _o, ...row } = {
    id: 'old',
    idempotency_key: 'key-old',
    kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
    channel: Channel.CHANNEL_LOG,
    recipient: '',
    subject: 'from before',
    body: 'b',
    attributes: '{"alert_id":"a-0"}',
    status: DeliveryStatus.DELIVERY_STATUS_PENDING,
    attempts: 1,
    last_error: 'UNAVAILABLE',
    create_time: T0,
    deliver_time: null,
    next_attempt_time: T0,
    ordering_key: '',
  };
  await (db as Kysely<{ notifications: typeof row }>).insertInto('notifications').values(row).execute();
  await db.destroy();
  return KyselyNotificationStore.open(settings);
}

describe.each(DATABASE_KINDS)('notification store on %s: delivery order per ordering key', (kind) => {
  const opened = freshStore(kind, 'notification_order', openWithRecordFromBefore);
  let store: KyselyNotificationStore;
  beforeAll(() => {
    store = opened();
  });

  it('keeps the records queued before the migration, due as they were, without an ordering key', async () => {
    await expect(store.findById('old')).resolves.toMatchObject({
      idempotencyKey: 'key-old',
      attributes: { alert_id: 'a-0' },
      attempts: 1,
      lastError: 'UNAVAILABLE',
      orderingKey: '',
    });
    expect(ids(await store.listDue(T0, 10))).toEqual(['old']);
    await store.saveAttempt(
      finished((await store.findById('old'))!, DeliveryStatus.DELIVERY_STATUS_DELIVERED),
      1,
    );
  });

  it('hands out only the first pending record of a key, whatever the ids say', async () => {
    // Ids that sort against the queue order, and one key queued to two destinations.
    await store.insert(queued('z-firing', 'alert:a-1'));
    await store.insert(queued('a-resolved', 'alert:a-1'));
    await store.insert(queued('m-other-alert', 'alert:a-2'));
    await store.insert(queued('b-no-key', ''));
    await store.insert(queued('c-no-key', ''));
    await store.insert(
      queued('y-email', 'alert:a-1', { channel: Channel.CHANNEL_EMAIL, recipient: 'ops@x.io' }),
    );
    await store.insert(queued('x-other-url', 'alert:a-1', { recipient: 'https://hooks.example.com/b' }));
    expect(ids(await store.listDue(T0, 10))).toEqual([
      'z-firing',
      'm-other-alert',
      'b-no-key',
      'c-no-key',
      'y-email',
      'x-other-url',
    ]);
  });

  it('holds the later records back while the first is in an attempt or backing off', async () => {
    await expect(store.claim('z-firing', T0, T0 + 60_000)).resolves.toBe(true);
    expect(ids(await store.listDue(T0 + 1_000, 10))).not.toContain('a-resolved');
    const failedOnce = { ...queued('z-firing', 'alert:a-1'), attempts: 1, nextAttemptTime: T0 + 90_000 };
    await expect(store.saveAttempt(failedOnce, 0)).resolves.toBe(true);
    expect(ids(await store.listDue(T0 + 89_999, 10))).not.toContain('a-resolved');
    expect(ids(await store.listDue(T0 + 90_000, 10))).toContain('z-firing');
    expect(ids(await store.listDue(T0 + 90_000, 10))).not.toContain('a-resolved');
  });

  it('releases the next record once the first is delivered or failed for good', async () => {
    await store.insert(queued('third', 'alert:a-1'));
    const firing = (await store.findById('z-firing'))!;
    await store.saveAttempt(finished(firing, DeliveryStatus.DELIVERY_STATUS_DELIVERED), firing.attempts);
    expect(ids(await store.listDue(FAR_FUTURE, 10))).toContain('a-resolved');
    expect(ids(await store.listDue(FAR_FUTURE, 10))).not.toContain('third');

    const resolved = (await store.findById('a-resolved'))!;
    await store.saveAttempt(finished(resolved, DeliveryStatus.DELIVERY_STATUS_FAILED), resolved.attempts);
    expect(ids(await store.listDue(FAR_FUTURE, 10))).toContain('third');
  });
});
