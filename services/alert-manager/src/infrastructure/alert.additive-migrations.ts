import { addIndex } from '@iot-mesh/storage';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Additive migrations (see migrateToLatest): each only adds, checks first, and runs on SQLite and
 * PostgreSQL alike, so a release before it keeps running beside a store it migrated, its indexes built
 * without holding that release's writes (addIndex).
 */
export const alertAdditiveMigrations: Record<string, Migration> = {
  '0001_history_retention': {
    async up(db: Kysely<unknown>) {
      // A device's events and alerts, for filtered ListAlerts, WatchAlerts and resume checks, which
      // would otherwise walk the whole history.
      await addIndex(db, {
        name: 'alert_events_by_device',
        table: 'alert_events',
        columns: ['device_id', 'sequence'],
      });
      await addIndex(db, {
        name: 'alerts_by_device',
        table: 'alerts',
        columns: ['device_id', 'start_time', 'id'],
      });
      // The retention: resolved alerts by when they last changed, an alert's events, cursors by age.
      await addIndex(db, {
        name: 'alerts_resolved_by_update',
        table: 'alerts',
        columns: ['update_time'],
        whereNull: 'open_key',
      });
      await addIndex(db, { name: 'alert_events_by_alert', table: 'alert_events', columns: ['alert_id'] });
      await addIndex(db, {
        name: 'evaluation_cursors_by_time',
        table: 'evaluation_cursors',
        columns: ['reading_time'],
      });
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
  '0002_pruned_device_events': {
    async up(db: Kysely<unknown>) {
      // The mark per device: a stream of one device is refused only for its own events deleted.
      await db.schema
        .createTable('pruned_device_events')
        .ifNotExists()
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('through_sequence', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0003_quantity_cursors': {
    async up(db: Kysely<unknown>) {
      // One cursor per device and watched quantity for the rules with nothing open for the device,
      // instead of one per rule and device (a release before it keeps using evaluation_cursors alone).
      await db.schema
        .createTable('quantity_cursors')
        .ifNotExists()
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('sensor_type', 'integer', (c) => c.notNull())
        .addColumn('custom_sensor', 'text', (c) => c.notNull())
        .addColumn('reading_time', 'bigint', (c) => c.notNull())
        .addColumn('reading_id', 'text', (c) => c.notNull())
        .addColumn('earlier_ids_at_time', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('quantity_cursors_pk', ['device_id', 'sensor_type', 'custom_sensor'])
        .execute();
      await addIndex(db, {
        name: 'quantity_cursors_by_time',
        table: 'quantity_cursors',
        columns: ['reading_time'],
      });
      // Rules' own cursors read by device: a device has few (those of rules with an alert open).
      await addIndex(db, {
        name: 'evaluation_cursors_by_device',
        table: 'evaluation_cursors',
        columns: ['device_id'],
      });
    },
  },
};
