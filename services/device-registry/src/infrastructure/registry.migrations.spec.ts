import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import type { Kysely } from 'kysely';
import { KeyState } from '../keys/domain/device-key.js';
import { KyselyRegistryStore } from './kysely-registry.store.js';
import { registryMigrations } from './registry.migrations.js';

/** A database as migration 0001 left it, holding a device with one active key, then opened (migrated). */
async function openAfterKeyFromBefore(settings: StorageSettings): Promise<KyselyRegistryStore> {
  const db = createDatabase<unknown>(settings);
  const first = Object.entries(registryMigrations).filter(([name]) => name < '0002');
  await migrateToLatest(db, Object.fromEntries(first));
  const old = db as Kysely<{ devices: Record<string, unknown>; device_keys: Record<string, unknown> }>;
  await old
    .insertInto('devices')
    .values({
      id: 'old-1',
      name: 'Old',
      type: 1,
      custom_type: '',
      site: '',
      zone: '',
      latitude: 0,
      longitude: 0,
      owner_email: 'ops@example.com',
      status: 2,
      labels: '{}',
      create_time: 1,
      update_time: 1,
    })
    .execute();
  await old
    .insertInto('device_keys')
    .values({
      key_id: 'k-old',
      device_id: 'old-1',
      state: KeyState.KEY_STATE_ACTIVE,
      description: '',
      prefix: 'imk_01234567',
      secret_hash: 'scrypt$1024$8$1$salt$hash',
      create_time: 1,
    })
    .execute();
  await db.destroy();
  return KyselyRegistryStore.open(settings);
}

describe.each(DATABASE_KINDS)('migrating the registry on %s', (kind) => {
  const opened = freshStore(kind, 'registry_migration', openAfterKeyFromBefore);

  it('keeps a key from before rotation grace periods active, never rotated, and counted', async () => {
    await expect(opened().findKey('k-old')).resolves.toMatchObject({
      state: KeyState.KEY_STATE_ACTIVE,
      expireTime: null,
      replacementKeyId: null,
    });
    await expect(opened().countActiveKeys('old-1')).resolves.toBe(1);
  });
});
