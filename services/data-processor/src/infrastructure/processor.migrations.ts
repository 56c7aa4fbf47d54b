import { atomically, columnExists, type StorageSettings } from '@iot-mesh/storage';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Rebuilds the windows table with custom_sensor in its primary key, which neither database changes in
 * place: the new table is made under another name, filled, and put in the old one's place. Its key
 * is named windows_key, as windows_pk belongs to the old table until it is dropped (PostgreSQL names
 * indexes and constraints per schema, not per table).
 */
async function rebuildWindowsWithCustomSensor(db: Kysely<unknown>, binary: 'bytea' | 'blob'): Promise<void> {
  await db.schema
    .createTable('windows_next')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('sensor_type', 'integer', (c) => c.notNull())
    .addColumn('custom_sensor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('window_size', 'integer', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('min', 'double precision', (c) => c.notNull())
    .addColumn('max', 'double precision', (c) => c.notNull())
    .addColumn('sum', 'double precision', (c) => c.notNull())
    .addColumn('sketch', binary, (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('windows_key', [
      'device_id',
      'sensor_type',
      'custom_sensor',
      'window_size',
      'start_time',
    ])
    .execute();
  // Old rows mixed every custom quantity of a device; they get '' and go with the retention.
  const kept = sql.join(
    [
      'device_id',
      'sensor_type',
      'window_size',
      'start_time',
      'end_time',
      'count',
      'min',
      'max',
      'sum',
      'sketch',
      'revision',
    ].map((column) => sql.ref(column)),
  );
  await sql`insert into windows_next (${kept}) select ${kept} from windows`.execute(db);
  // Its indexes, windows_pk among them, go with it.
  await db.schema.dropTable('windows').execute();
  await db.schema.alterTable('windows_next').renameTo('windows').execute();
  await db.schema
    .createIndex('windows_by_sensor')
    .on('windows')
    .columns(['sensor_type', 'window_size', 'device_id', 'custom_sensor', 'start_time'])
    .execute();
  await db.schema.createIndex('windows_end').on('windows').column('end_time').execute();
}

/** The processor's migrations; only binary and identity columns differ between SQLite and PostgreSQL. */
export function processorMigrations(kind: StorageSettings['kind']): Record<string, Migration> {
  const binary = kind === 'postgres' ? 'bytea' : 'blob';
  return {
    '0001_readings_and_windows': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('seen_readings')
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('reading_id', 'text', (c) => c.notNull())
          .addColumn('seen_time', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('seen_readings_pk', ['device_id', 'reading_id'])
          .execute();
        await db.schema.createIndex('seen_readings_time').on('seen_readings').column('seen_time').execute();
        await db.schema
          .createTable('windows')
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('sensor_type', 'integer', (c) => c.notNull())
          .addColumn('window_size', 'integer', (c) => c.notNull())
          .addColumn('start_time', 'bigint', (c) => c.notNull())
          .addColumn('end_time', 'bigint', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull())
          .addColumn('min', 'double precision', (c) => c.notNull())
          .addColumn('max', 'double precision', (c) => c.notNull())
          .addColumn('sum', 'double precision', (c) => c.notNull())
          .addColumn('sketch', binary, (c) => c.notNull())
          .addPrimaryKeyConstraint('windows_pk', ['device_id', 'sensor_type', 'window_size', 'start_time'])
          .execute();
        // ListAggregates walks one sensor type and size by device id.
        await db.schema
          .createIndex('windows_by_sensor')
          .on('windows')
          .columns(['sensor_type', 'window_size', 'device_id', 'start_time'])
          .execute();
        await db.schema.createIndex('windows_end').on('windows').column('end_time').execute();
      },
    },
    '0002_window_revision': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('windows')
          .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0003_seen_reading_content': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('seen_readings').addColumn('content', 'text').execute();
      },
    },
    // The content as a 53-bit digest instead: the text nearly doubled each seen row.
    '0004_seen_reading_content_hash': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('seen_readings').addColumn('content_hash', 'bigint').execute();
        await db.schema.alterTable('seen_readings').dropColumn('content').execute();
      },
    },
    // Each custom quantity of a device gets windows of its own.
    '0005_window_custom_sensor': {
      async up(db: Kysely<unknown>) {
        // Must not stop halfway.
        await atomically(db, (trx) => rebuildWindowsWithCustomSensor(trx, binary));
      },
    },
    // Readings whose alert evaluation failed, queued for the poller and for later calls of their devices.
    '0006_pending_evaluations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('pending_evaluations')
          // AUTOINCREMENT: without it SQLite may hand a deleted row's number out again.
          .addColumn('sequence', kind === 'postgres' ? 'bigint' : 'integer', (c) =>
            kind === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
          )
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('reading', binary, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('pending_evaluations_by_device')
          .on('pending_evaluations')
          .columns(['device_id', 'sequence'])
          .execute();
      },
    },
    // Readings the alert manager refused for good stay, marked, for an operator; rows from before are
    // pending (null). The queue is read among the pending ones only, through partial indexes, so
    // failed ones, however many and however old, cost the poll and the calls nothing.
    '0007_pending_evaluation_failed_time': {
      async up(db: Kysely<unknown>) {
        await atomically(db, async (trx) => {
          await trx.schema.alterTable('pending_evaluations').addColumn('failed_time', 'bigint').execute();
          await trx.schema.dropIndex('pending_evaluations_by_device').execute();
          await trx.schema
            .createIndex('pending_evaluations_by_device')
            .on('pending_evaluations')
            .columns(['device_id', 'sequence'])
            .where(sql.ref('failed_time'), 'is', null)
            .execute();
          // The poller's oldest first, and the count against PENDING_EVALUATIONS_MAX.
          await trx.schema
            .createIndex('pending_evaluations_queue')
            .on('pending_evaluations')
            .column('sequence')
            .where(sql.ref('failed_time'), 'is', null)
            .execute();
        });
      },
    },
    // avg from a compensated sum; rows from before have only their plain sum, so 0. On the main track,
    // where the release that brought it recorded it; it checks first, as an operator rolling back to a
    // release before it may have deleted its record (docs/troubleshooting.md).
    '0008_window_sum_compensation': {
      async up(db: Kysely<unknown>) {
        if (await columnExists(db, 'windows', 'sum_compensation')) return;
        await db.schema
          .alterTable('windows')
          .addColumn('sum_compensation', 'double precision', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
  };
}
