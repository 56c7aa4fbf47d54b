import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Portable DDL: the same migrations run on SQLite and PostgreSQL.
export const notificationMigrations: Record<string, Migration> = {
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
};
