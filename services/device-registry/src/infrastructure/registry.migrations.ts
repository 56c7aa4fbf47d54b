import { atomically } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Portable DDL: the same migrations run on SQLite and PostgreSQL.
export const registryMigrations: Record<string, Migration> = {
  '0001_devices_and_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'integer', (c) => c.notNull())
        .addColumn('custom_type', 'text', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('latitude', 'double precision', (c) => c.notNull())
        .addColumn('longitude', 'double precision', (c) => c.notNull())
        .addColumn('owner_email', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('devices_type_status').on('devices').columns(['type', 'status']).execute();
      await db.schema
        .createTable('device_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
        .addColumn('state', 'integer', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('revoke_time', 'bigint')
        .addColumn('last_used_time', 'bigint')
        .execute();
      await db.schema.createIndex('device_keys_device').on('device_keys').column('device_id').execute();
    },
  },
  '0002_key_rotation_grace': {
    // A rotated key works on until expire_time (KEY_ROTATION_GRACE_MS); replacement_key_id names the key
    // its last rotation issued, which a rotation of it again revokes. Keys from before have neither.
    async up(db: Kysely<unknown>) {
      await atomically(db, async (trx) => {
        await trx.schema.alterTable('device_keys').addColumn('expire_time', 'bigint').execute();
        await trx.schema.alterTable('device_keys').addColumn('replacement_key_id', 'text').execute();
      });
    },
  },
};
