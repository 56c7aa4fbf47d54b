import { atomically, withIdentity, type SqlDialect } from '@iot-mesh/storage';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// The same migrations run on SQLite and PostgreSQL; only the identity columns differ.
export function alertMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_rules_alerts_events_outbox': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rules')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('scope_kind', 'text', (c) => c.notNull())
          .addColumn('scope_device_id', 'text', (c) => c.notNull())
          .addColumn('scope_device_type', 'integer', (c) => c.notNull())
          .addColumn('sensor_type', 'integer', (c) => c.notNull())
          .addColumn('operator', 'integer', (c) => c.notNull())
          .addColumn('threshold', 'double precision', (c) => c.notNull())
          .addColumn('threshold_high', 'double precision', (c) => c.notNull())
          .addColumn('for_duration_ms', 'bigint', (c) => c.notNull())
          .addColumn('severity', 'integer', (c) => c.notNull())
          .addColumn('hysteresis', 'double precision', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('create_time', 'bigint', (c) => c.notNull())
          .addColumn('update_time', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('rules_sensor_type')
          .on('rules')
          .columns(['sensor_type', 'enabled'])
          .execute();

        await db.schema
          .createTable('alerts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('sensor_type', 'integer', (c) => c.notNull())
          .addColumn('state', 'integer', (c) => c.notNull())
          .addColumn('severity', 'integer', (c) => c.notNull())
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('acknowledged', 'integer', (c) => c.notNull())
          .addColumn('acknowledged_by', 'text', (c) => c.notNull())
          .addColumn('acknowledge_time', 'bigint')
          .addColumn('start_time', 'bigint', (c) => c.notNull())
          .addColumn('fire_time', 'bigint')
          .addColumn('resolve_time', 'bigint')
          .addColumn('update_time', 'bigint', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          // At most one open alert per rule and device, whatever number of writers: NULLs
          // (resolved alerts) never collide, in SQLite and PostgreSQL alike.
          .addColumn('open_key', 'text', (c) => c.unique())
          .execute();
        await db.schema.createIndex('alerts_newest').on('alerts').columns(['start_time', 'id']).execute();
        await db.schema.createIndex('alerts_rule').on('alerts').columns(['rule_id', 'state']).execute();

        await db.schema
          .createTable('evaluation_cursors')
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('reading_time', 'bigint', (c) => c.notNull())
          .addColumn('reading_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('evaluation_cursors_pk', ['rule_id', 'device_id'])
          .execute();

        await withIdentity(db.schema.createTable('alert_events'), 'sequence', dialect)
          .addColumn('alert_id', 'text', (c) => c.notNull())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('state', 'integer', (c) => c.notNull())
          .addColumn('severity', 'integer', (c) => c.notNull())
          .addColumn('type', 'integer', (c) => c.notNull())
          .addColumn('event_time', 'bigint', (c) => c.notNull())
          .addColumn('alert', 'text', (c) => c.notNull())
          .execute();

        await withIdentity(db.schema.createTable('notification_outbox'), 'id', dialect)
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('alert_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'integer', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('attributes', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_time', 'bigint', (c) => c.notNull())
          .addColumn('last_error', 'text', (c) => c.notNull())
          .addColumn('create_time', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('notification_outbox_due')
          .on('notification_outbox')
          .columns(['next_attempt_time', 'id'])
          .execute();
      },
    },
    '0002_cursor_ids_at_time': {
      // Readings of one time are told apart by the ids evaluated at it, not by comparing ids.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('evaluation_cursors')
          .addColumn('earlier_ids_at_time', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
      },
    },
    '0003_custom_sensor': {
      // Custom rules name the quantity they watch; rules and alerts from before keep '' (any quantity).
      async up(db: Kysely<unknown>) {
        for (const table of ['rules', 'alerts']) {
          await db.schema
            .alterTable(table)
            .addColumn('custom_sensor', 'text', (c) => c.notNull().defaultTo(''))
            .execute();
        }
      },
    },
    '0004_outbox_failed_time': {
      // Entries the notification service refused for good stay, marked, for an operator; entries from
      // before are pending (null). Due entries are looked up among the pending ones only, so failed
      // ones, however many, cost the dispatcher's poll nothing.
      async up(db: Kysely<unknown>) {
        await atomically(db, async (trx) => {
          await trx.schema.alterTable('notification_outbox').addColumn('failed_time', 'bigint').execute();
          await trx.schema.dropIndex('notification_outbox_due').execute();
          await trx.schema
            .createIndex('notification_outbox_due')
            .on('notification_outbox')
            .columns(['next_attempt_time', 'id'])
            .where(sql.ref('failed_time'), 'is', null)
            .execute();
        });
      },
    },
    '0005_open_alerts_by_device': {
      // The decommissioned-device sweep pages through the devices with open alerts and closes those of
      // one device: only open alerts are indexed, so the index stays as small as what is open.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('alerts_open_by_device')
          .on('alerts')
          .column('device_id')
          .where(sql.ref('open_key'), 'is not', null)
          .execute();
      },
    },
    '0006_outbox_order_per_alert': {
      // The dispatcher hands an alert's entries for a channel over one at a time, in id order: it
      // looks for an earlier pending entry of the same alert and channel with this index.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('notification_outbox_pending_by_alert')
          .on('notification_outbox')
          .columns(['alert_id', 'channel', 'id'])
          .where(sql.ref('failed_time'), 'is', null)
          .execute();
      },
    },
    '0007_decommissioned_devices': {
      // A decommission is final, so once learnt it is kept for good: every replica, after a restart
      // too, stops opening alerts for the device without asking the registry again.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('decommissioned_devices')
          .addColumn('device_id', 'text', (c) => c.primaryKey())
          .addColumn('learnt_time', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}
