import { atomically, withIdentity, type SqlDialect } from '@iot-mesh/storage';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The columns of 0001, copied as they are when the table is rebuilt. */
const OUTBOX_COLUMNS = [
  'id',
  'idempotency_key',
  'kind',
  'channel',
  'recipient',
  'subject',
  'body',
  'attributes',
  'status',
  'attempts',
  'last_error',
  'create_time',
  'deliver_time',
  'next_attempt_time',
];

// Portable DDL: the same migrations run on SQLite and PostgreSQL; only the identity column differs.
export function notificationMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_outbox': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('notifications')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'integer', (c) => c.notNull())
          .addColumn('channel', 'integer', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('attributes', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('last_error', 'text', (c) => c.notNull())
          .addColumn('create_time', 'bigint', (c) => c.notNull())
          .addColumn('deliver_time', 'bigint')
          .addColumn('next_attempt_time', 'bigint')
          .execute();
        // The dispatcher's poll: pending records by due time.
        await db.schema
          .createIndex('notifications_due')
          .on('notifications')
          .columns(['status', 'next_attempt_time'])
          .execute();
        // ListNotifications: newest first.
        await db.schema
          .createIndex('notifications_newest')
          .on('notifications')
          .columns(['create_time', 'id'])
          .execute();
      },
    },
    '0002_delivery_order': {
      // Notifications of one ordering key go out in the order they were queued, which create_time
      // (milliseconds) and the random id cannot tell: `position` numbers them as inserted. SQLite
      // cannot add such a column to a table, so the table is rebuilt, keeping its records (they
      // have no ordering key, so their order among themselves does not matter).
      async up(db: Kysely<unknown>) {
        await atomically(db, async (trx) => {
          await withIdentity(trx.schema.createTable('notifications_ordered'), 'position', dialect)
            .addColumn('id', 'text', (c) => c.notNull().unique())
            .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
            .addColumn('kind', 'integer', (c) => c.notNull())
            .addColumn('channel', 'integer', (c) => c.notNull())
            .addColumn('recipient', 'text', (c) => c.notNull())
            .addColumn('subject', 'text', (c) => c.notNull())
            .addColumn('body', 'text', (c) => c.notNull())
            .addColumn('attributes', 'text', (c) => c.notNull())
            .addColumn('status', 'integer', (c) => c.notNull())
            .addColumn('attempts', 'integer', (c) => c.notNull())
            .addColumn('last_error', 'text', (c) => c.notNull())
            .addColumn('create_time', 'bigint', (c) => c.notNull())
            .addColumn('deliver_time', 'bigint')
            .addColumn('next_attempt_time', 'bigint')
            .addColumn('ordering_key', 'text', (c) => c.notNull().defaultTo(''))
            .execute();
          const columns = sql.join(OUTBOX_COLUMNS.map((column) => sql.ref(column)));
          await sql`insert into notifications_ordered (${columns})
            select ${columns} from notifications order by create_time, id`.execute(trx);
          await trx.schema.dropTable('notifications').execute();
          await trx.schema.alterTable('notifications_ordered').renameTo('notifications').execute();
          await trx.schema
            .createIndex('notifications_due')
            .on('notifications')
            .columns(['status', 'next_attempt_time'])
            .execute();
          await trx.schema
            .createIndex('notifications_newest')
            .on('notifications')
            .columns(['create_time', 'id'])
            .execute();
          // The dispatcher's check that no earlier notification of the same key is still pending.
          await trx.schema
            .createIndex('notifications_queue')
            .on('notifications')
            .columns(['ordering_key', 'position'])
            .execute();
        });
      },
    },
  };
}
