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

// Versions before the empty default recipient queued the default webhook's notifications with the
// first WEBHOOK_URL as recipient: an alert's FIRING queued so, and its RESOLVED queued as '' since.
describe.each(DATABASE_KINDS)('notification store on %s: the default webhook queued as its URL', (kind) => {
  const DEFAULT_URL = 'https://hooks.example.com/a';
  const opened = freshStore(kind, 'notification_order_default_url', (settings) =>
    KyselyNotificationStore.open(settings, DEFAULT_URL),
  );
  const FIRING = NotificationKind.NOTIFICATION_KIND_ALERT_FIRING;
  const RESOLVED = NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED;
  const alert = (id: string, alertId: string, kindOf: NotificationKind, recipient: string) =>
    queued(id, `alert:${alertId}`, { kind: kindOf, recipient });
  const due = async (now: number) => ids(await opened().listDue(now, 10)).sort();

  it('holds an alert’s RESOLVED for the default webhook back while its FIRING, queued with the URL, fails', async () => {
    const store = opened();
    await store.insert(alert('firing-as-url', 'a-9', FIRING, DEFAULT_URL));
    await store.insert(alert('resolved-as-default', 'a-9', RESOLVED, ''));
    // Another URL is a recipient of its own.
    await store.insert(alert('other-url', 'a-9', FIRING, 'https://hooks.example.com/b'));
    expect(await due(T0)).toEqual(['firing-as-url', 'other-url']);

    await expect(store.claim('firing-as-url', T0, T0 + 60_000)).resolves.toBe(true);
    const failedOnce = {
      ...(await store.findById('firing-as-url'))!,
      attempts: 1,
      nextAttemptTime: T0 + 90_000,
    };
    await expect(store.saveAttempt(failedOnce, 0)).resolves.toBe(true);
    expect(await due(T0 + 90_000)).toEqual(['firing-as-url', 'other-url']);

    await store.saveAttempt(finished(failedOnce, DeliveryStatus.DELIVERY_STATUS_DELIVERED), 1);
    expect(await due(T0 + 90_000)).toEqual(['other-url', 'resolved-as-default']);
    // Each is delivered where it was queued for: the FIRING's URL is kept.
    await expect(store.findById('firing-as-url')).resolves.toMatchObject({ recipient: DEFAULT_URL });
  });

  it('holds a RESOLVED queued with the URL behind a FIRING queued as the default webhook too', async () => {
    const store = opened();
    await store.insert(alert('firing-as-default', 'a-10', FIRING, ''));
    await store.insert(alert('resolved-as-url', 'a-10', RESOLVED, DEFAULT_URL));
    expect(await due(FAR_FUTURE)).toContain('firing-as-default');
    expect(await due(FAR_FUTURE)).not.toContain('resolved-as-url');
  });
});
