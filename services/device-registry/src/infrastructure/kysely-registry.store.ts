import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import type { Kysely, Selectable } from 'kysely';
import type { Device } from '../devices/domain/device.js';
import { KeyState, type DeviceKey } from '../keys/domain/device-key.js';
import type { DeviceFilter, RegistryStore } from './registry-store.port.js';
import { registryMigrations } from './registry.migrations.js';
import type { RegistryDatabase } from './registry.schema.js';

type DeviceRow = Selectable<RegistryDatabase['devices']>;
type KeyRow = Selectable<RegistryDatabase['device_keys']>;

const toRow = (d: Device): DeviceRow => ({
  id: d.id,
  name: d.name,
  type: d.type,
  custom_type: d.customType,
  site: d.location.site,
  zone: d.location.zone,
  latitude: d.location.latitude,
  longitude: d.location.longitude,
  owner_email: d.ownerEmail,
  status: d.status,
  labels: JSON.stringify(d.labels),
  create_time: d.createTime,
  update_time: d.updateTime,
});

const fromRow = (r: DeviceRow): Device => ({
  id: r.id,
  name: r.name,
  type: r.type,
  customType: r.custom_type,
  location: { site: r.site, zone: r.zone, latitude: r.latitude, longitude: r.longitude },
  ownerEmail: r.owner_email,
  status: r.status,
  labels: JSON.parse(r.labels) as Record<string, string>,
  createTime: Number(r.create_time),
  updateTime: Number(r.update_time),
});

const keyToRow = (k: DeviceKey): KeyRow => ({
  key_id: k.keyId,
  device_id: k.deviceId,
  state: k.state,
  description: k.description,
  prefix: k.prefix,
  secret_hash: k.secretHash,
  create_time: k.createTime,
  revoke_time: k.revokeTime,
  last_used_time: k.lastUsedTime,
});

const keyFromRow = (r: KeyRow): DeviceKey => ({
  keyId: r.key_id,
  deviceId: r.device_id,
  state: r.state,
  description: r.description,
  prefix: r.prefix,
  secretHash: r.secret_hash,
  createTime: Number(r.create_time),
  revokeTime: r.revoke_time === null ? null : Number(r.revoke_time),
  lastUsedTime: r.last_used_time === null ? null : Number(r.last_used_time),
});

/** The registry store on SQLite (embedded default) or PostgreSQL, through Kysely. */
export class KyselyRegistryStore implements RegistryStore {
  private constructor(private readonly db: Kysely<RegistryDatabase>) {}

  static async open(settings: StorageSettings): Promise<KyselyRegistryStore> {
    const db = createDatabase<RegistryDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, registryMigrations);
    return new KyselyRegistryStore(db);
  }

  async insertDevice(device: Device): Promise<boolean> {
    const result = await this.db
      .insertInto('devices')
      .values(toRow(device))
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findDevice(id: string): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async listDevices(filter: DeviceFilter, afterId: string | undefined, limit: number): Promise<Device[]> {
    let query = this.db.selectFrom('devices').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.site !== undefined) query = query.where('site', '=', filter.site);
    return (await query.execute()).map(fromRow);
  }

  async updateDevice(device: Device): Promise<void> {
    const { id, ...row } = toRow(device);
    await this.db.updateTable('devices').set(row).where('id', '=', id).execute();
  }

  async decommissionDevice(device: Device, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { id, ...row } = toRow(device);
      await trx.updateTable('devices').set(row).where('id', '=', id).execute();
      await trx
        .updateTable('device_keys')
        .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
        .where('device_id', '=', id)
        .where('state', '=', KeyState.KEY_STATE_ACTIVE)
        .execute();
    });
  }

  async insertKey(key: DeviceKey): Promise<void> {
    await this.db.insertInto('device_keys').values(keyToRow(key)).execute();
  }

  async findKey(keyId: string): Promise<DeviceKey | undefined> {
    const row = await this.db
      .selectFrom('device_keys')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return row && keyFromRow(row);
  }

  async listKeys(deviceId: string): Promise<DeviceKey[]> {
    const rows = await this.db
      .selectFrom('device_keys')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('create_time')
      .orderBy('key_id')
      .execute();
    return rows.map(keyFromRow);
  }

  async countActiveKeys(deviceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('device_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', deviceId)
      .where('state', '=', KeyState.KEY_STATE_ACTIVE)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async revokeKey(keyId: string, at: number): Promise<void> {
    await this.db
      .updateTable('device_keys')
      .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
      .where('key_id', '=', keyId)
      .where('state', '=', KeyState.KEY_STATE_ACTIVE)
      .execute();
  }

  async rotateKey(oldKeyId: string, at: number, replacement: DeviceKey): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('device_keys')
        .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
        .where('key_id', '=', oldKeyId)
        .execute();
      await trx.insertInto('device_keys').values(keyToRow(replacement)).execute();
    });
  }

  async touchKey(keyId: string, at: number): Promise<void> {
    await this.db
      .updateTable('device_keys')
      .set({ last_used_time: at })
      .where('key_id', '=', keyId)
      .execute();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
