import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore, type DatabaseKind } from '@iot-mesh/storage/testing';
import { sql, type Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';
import { outboxToRow } from './alert-rows.js';
import { KyselyAlertStore } from './kysely-alert.store.js';
import { migrationsBefore, outbox } from './testing/store-contract.fixtures.js';

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/** The outbox table as migration 0003 left it, before entries could fail for good. */
type Before0004 = Omit<AlertDatabase, 'notification_outbox'> & {
  notification_outbox: Omit<AlertDatabase['notification_outbox'], 'failed_time'>;
};

/** A store on a fresh database and a second connection to read its rows as an operator would. */
function storeWithRows(
  kind: DatabaseKind,
  name: string,
  open: (settings: StorageSettings) => Promise<KyselyAlertStore> = (s) => KyselyAlertStore.open(s),
) {
  let rows: Kysely<AlertDatabase>;
  const opened = freshStore(kind, name, async (settings) => {
    const store = await open(settings);
    rows = createDatabase<AlertDatabase>(settings);
    return {
      store,
      rows: () => rows,
      close: async () => {
        await rows.destroy();
        await store.close();
      },
    };
  });
  return () => opened();
}

const outboxRow = (rows: Kysely<AlertDatabase>, key: string) =>
  rows.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirst();

/** Whether an index is partial (has a WHERE), as the database describes it. */
async function isPartial(db: Kysely<AlertDatabase>, kind: DatabaseKind, index: string): Promise<boolean> {
  const { rows } = await (
    kind === 'sqlite'
      ? sql<{ definition: string }>`select sql as definition from sqlite_master where name = ${index}`
      : sql<{ definition: string }>`select indexdef as definition from pg_indexes where indexname = ${index}`
  ).execute(db);
  return /\bwhere\b/i.test(rows[0]?.definition ?? '');
}

/** A database migrated up to 0003 holding one pending entry that failed twice, then opened (migrated to latest). */
async function openWithEntryFromBefore(settings: StorageSettings): Promise<KyselyAlertStore> {
  const db = createDatabase<Before0004>(settings);
  await migrateToLatest(db as Kysely<unknown>, migrationsBefore(settings.kind, '0004_outbox_failed_time'));
  const { failed_time: _f, ...row } = outboxToRow(outbox('alert:old:FIRING:email'));
  await db
    .insertInto('notification_outbox')
    .values({ ...row, attempts: 2, last_error: 'UNAVAILABLE' })
    .execute();
  await db.destroy();
  return KyselyAlertStore.open(settings);
}

describe.each(DATABASE_KINDS)('notification outbox on %s: entries refused for good', (kind) => {
  describe('on a fresh database', () => {
    const opened = storeWithRows(kind, 'outbox_failed');

    it('keeps a failed entry with its reason and never hands it out again; the others stay due', async () => {
      const { store, rows } = opened();
      const keys = ['alert:a-1:FIRING:email', 'alert:a-1:FIRING:log'];
      await store.applyChanges({ writes: [], events: [], outbox: keys.map(outbox) });
      const [refused, pending] = await store.outbox.dueEntries(10, 10);
      await store.outbox.markFailed(
        refused.id,
        1,
        20,
        'InvalidArgument NOTIFICATION.INVALID: subject: too long',
      );
      expect((await store.outbox.dueEntries(FAR_FUTURE, 10)).map((e) => e.id)).toEqual([pending.id]);
      await expect(outboxRow(rows(), keys[0])).resolves.toMatchObject({
        attempts: 1,
        failed_time: 20,
        last_error: 'InvalidArgument NOTIFICATION.INVALID: subject: too long',
      });
      await expect(outboxRow(rows(), keys[1])).resolves.toMatchObject({ failed_time: null });
      // The same key queued again (a repeated transition) does not revive it.
      await store.applyChanges({ writes: [], events: [], outbox: [outbox(keys[0])] });
      expect((await store.outbox.dueEntries(FAR_FUTURE, 10)).map((e) => e.id)).toEqual([pending.id]);
    });
  });

  describe('migrating a database from before failed entries', () => {
    const opened = storeWithRows(kind, 'outbox_failed_migration', openWithEntryFromBefore);

    it('keeps the entries written before as pending and due, and looks up due entries among pending ones only', async () => {
      const { store, rows } = opened();
      const [entry] = await store.outbox.dueEntries(FAR_FUTURE, 10);
      expect(entry).toMatchObject({
        idempotencyKey: 'alert:old:FIRING:email',
        attempts: 2,
        lastError: 'UNAVAILABLE',
      });
      await expect(outboxRow(rows(), 'alert:old:FIRING:email')).resolves.toMatchObject({ failed_time: null });
      await expect(isPartial(rows(), kind, 'notification_outbox_due')).resolves.toBe(true);
      // 0006: the check for an earlier pending entry of the same alert looks among pending ones only.
      await expect(isPartial(rows(), kind, 'notification_outbox_pending_by_alert')).resolves.toBe(true);
      await store.outbox.markFailed(entry.id, 3, 30, 'FailedPrecondition');
      await expect(store.outbox.dueEntries(FAR_FUTURE, 10)).resolves.toEqual([]);
    });
  });
});
