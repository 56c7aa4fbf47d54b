import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  queuedNotification,
  type Notification,
} from '../notifications/domain/notification.js';
import { KyselyNotificationStore } from './kysely-notification.store.js';

const T0 = 1_700_000_000_000;
const notification = (id: string, createTime: number, changes: Partial<Notification> = {}): Notification => ({
  ...queuedNotification(
    id,
    {
      idempotencyKey: `key-${id}`,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_LOG,
      recipient: '',
      subject: `Subject ${id}`,
      body: 'line one\nline two; DROP TABLE notifications;--',
      attributes: { alert_id: id },
      orderingKey: '',
    },
    createTime,
  ),
  ...changes,
});
const ids = (records: Notification[]) => records.map((r) => r.id);

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(DATABASE_KINDS)('notification store contract on %s', (kind) => {
  const opened = freshStore(kind, 'notification_contract', (settings) =>
    KyselyNotificationStore.open(settings),
  );
  let store: KyselyNotificationStore;
  beforeAll(() => {
    store = opened();
  });

  it('inserts once per idempotency key and reads records back intact', async () => {
    await expect(store.insert(notification('n1', T0))).resolves.toBe(true);
    await expect(store.insert(notification('n1-twin', T0, { idempotencyKey: 'key-n1' }))).resolves.toBe(
      false,
    );
    await expect(store.findById('n1')).resolves.toEqual(notification('n1', T0));
    await expect(store.findByIdempotencyKey('key-n1')).resolves.toEqual(notification('n1', T0));
    await expect(store.findById('n1-twin')).resolves.toBeUndefined();
    await expect(store.findByIdempotencyKey('missing')).resolves.toBeUndefined();
  });

  it('lists newest first with filters and a cursor that breaks ties by id', async () => {
    await store.insert(notification('n2', T0 + 10, { channel: Channel.CHANNEL_EMAIL, recipient: 'a@b.io' }));
    await store.insert(
      notification('n3', T0 + 10, { kind: NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED }),
    );
    await store.insert(notification('n4', T0 + 20, { status: DeliveryStatus.DELIVERY_STATUS_FAILED }));
    expect(ids(await store.list({}, undefined, 10))).toEqual(['n4', 'n3', 'n2', 'n1']);
    expect(ids(await store.list({}, { createTime: T0 + 10, id: 'n3' }, 10))).toEqual(['n2', 'n1']);
    expect(ids(await store.list({}, { createTime: T0 + 20, id: 'n4' }, 1))).toEqual(['n3']);
    expect(ids(await store.list({ channel: Channel.CHANNEL_EMAIL }, undefined, 10))).toEqual(['n2']);
    expect(
      ids(await store.list({ kind: NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED }, undefined, 10)),
    ).toEqual(['n3']);
    expect(ids(await store.list({ status: DeliveryStatus.DELIVERY_STATUS_FAILED }, undefined, 10))).toEqual([
      'n4',
    ]);
  });

  it('hands out due pending records, longest waiting first', async () => {
    await store.insert(notification('due-later', T0 + 30, { nextAttemptTime: T0 + 5_000 }));
    expect(ids(await store.listDue(T0 + 10, 10))).toEqual(['n1', 'n2', 'n3']);
    expect(ids(await store.listDue(T0 + 10, 1))).toEqual(['n1']);
    expect(ids(await store.listDue(T0 + 5_000, 10))).toContain('due-later');
  });

  it('lets exactly one claimant take a record, until the lease lapses', async () => {
    await expect(store.claim('n1', T0, T0 + 60_000)).resolves.toBe(true);
    await expect(store.claim('n1', T0, T0 + 60_000)).resolves.toBe(false);
    expect(ids(await store.listDue(T0 + 59_999, 10))).not.toContain('n1');
    expect(ids(await store.listDue(T0 + 60_000, 10))).toContain('n1');
    await expect(store.claim('n4', T0 + 20, T0 + 60_000)).resolves.toBe(false); // not pending
  });

  it('saves an attempt once, guarded by the attempt count', async () => {
    const claimed = notification('n1', T0, { nextAttemptTime: T0 + 60_000 });
    const delivered: Notification = {
      ...claimed,
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 1,
      lastError: 'HTTP 503 before',
      deliverTime: T0 + 100,
      nextAttemptTime: null,
    };
    await expect(store.saveAttempt(delivered, 0)).resolves.toBe(true);
    await expect(store.saveAttempt(delivered, 0)).resolves.toBe(false);
    await expect(store.findById('n1')).resolves.toEqual(delivered);
    expect(ids(await store.listDue(T0 + 1_000_000, 10))).not.toContain('n1');
  });
});
