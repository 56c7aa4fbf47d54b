import type { StorageSettings } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The processor's migrations; only the binary column type differs between SQLite and PostgreSQL. */
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
  };
}
