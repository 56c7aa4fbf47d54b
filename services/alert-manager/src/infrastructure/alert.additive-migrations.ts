import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Additive migrations (see migrateToLatest): each only adds, checks first, and runs on SQLite and
 * PostgreSQL alike, so a release before it keeps running beside a store it migrated.
 */
export const alertAdditiveMigrations: Record<string, Migration> = {
  '0001_history_retention': {
    async up(db: Kysely<unknown>) {
      // A device's events and alerts, for filtered ListAlerts, WatchAlerts and resume checks, which
      // would otherwise walk the whole history.
      await db.schema
        .createIndex('alert_events_by_device')
        .ifNotExists()
        .on('alert_events')
        .columns(['device_id', 'sequence'])
        .execute();
      await db.schema
        .createIndex('alerts_by_device')
        .ifNotExists()
        .on('alerts')
        .columns(['device_id', 'start_time', 'id'])
        .execute();
      // The retention: resolved alerts by when they last changed, an alert's events, cursors by age.
      await db.schema
        .createIndex('alerts_resolved_by_update')
        .ifNotExists()
        .on('alerts')
        .column('update_time')
        .where(sql.ref('open_key'), 'is', null)
        .execute();
      await db.schema
        .createIndex('alert_events_by_alert')
        .ifNotExists()
        .on('alert_events')
        .column('alert_id')
        .execute();
      await db.schema
        .createIndex('evaluation_cursors_by_time')
        .ifNotExists()
        .on('evaluation_cursors')
        .column('reading_time')
        .execute();
      // One row: the highest sequence of an event the retention deleted, so a stream resumed below it
      // is refused instead of missing those events.
      await db.schema
        .createTable('pruned_alert_events')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('through_sequence', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into pruned_alert_events (id, through_sequence) values (1, 0)
        on conflict (id) do nothing`.execute(db);
    },
  },
};
