import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import { DeviceStatus, type Device } from '../devices/domain/device.js';
import { KeyState, type DeviceKey } from '../keys/domain/device-key.js';
import { holdDevice } from './held-device.js';
import {
  countActiveKeys,
  findKey,
  KyselyDeviceKeysTransaction,
  workingAt,
} from './kysely-device-keys.transaction.js';
import type { DeviceFilter, DeviceKeysTransaction, RegistryStore } from './registry-store.port.js';
import { registryMigrations } from './registry.migrations.js';
import { deviceFromRow, deviceToRow, keyFromRow } from './registry.rows.js';
import type { RegistryDatabase } from './registry.schema.js';

/** The registry store on SQLite (embedded default) or PostgreSQL, through Kysely. */
export class KyselyRegistryStore implements RegistryStore {
  private constructor(
    private readonly db: Kysely<RegistryDatabase>,
    // Whether a held device's row is locked (PostgreSQL); see holdDevice for why SQLite needs no lock.
    private readonly rowLocks: boolean,
  ) {}

  static async open(settings: StorageSettings): Promise<KyselyRegistryStore> {
    const db = createDatabase<RegistryDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, registryMigrations);
    return new KyselyRegistryStore(db, settings.kind === 'postgres');
  }

  async insertDevice(device: Device): Promise<boolean> {
    const result = await this.db
      .insertInto('devices')
      .values(deviceToRow(device))
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findDevice(id: string): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row && deviceFromRow(row);
  }

  async listDevices(filter: DeviceFilter, afterId: string | undefined, limit: number): Promise<Device[]> {
    let query = this.db.selectFrom('devices').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.site !== undefined) query = query.where('site', '=', filter.site);
    return (await query.execute()).map(deviceFromRow);
  }

  changeDevice(id: string, change: (current: Device | undefined) => Device): Promise<Device> {
    return this.db.transaction().execute(async (trx) => {
      const changed = change(await holdDevice(trx, id, this.rowLocks));
      const { id: _sameId, ...row } = deviceToRow(changed);
      await trx.updateTable('devices').set(row).where('id', '=', id).execute();
      return changed;
    });
  }

  decommissionDevice(id: string, at: number): Promise<Device | undefined> {
    const decommissioned = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;
    return this.db.transaction().execute(async (trx) => {
      // Only the status and its time: the other fields stay as the last change saved them. On PostgreSQL
      // the update locks the row as holdDevice does: a key written by a change that committed before is
      // revoked below, a later change finds the device decommissioned.
      const result = await trx
        .updateTable('devices')
        .set({ status: decommissioned, update_time: at })
        .where('id', '=', id)
        .where('status', '!=', decommissioned)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        await trx
          .updateTable('device_keys')
          .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
          .where('device_id', '=', id)
          .where(workingAt(at))
          .execute();
      }
      return holdDevice(trx, id, this.rowLocks);
    });
  }

  changeDeviceKeys<T>(
    deviceId: string,
    work: (transaction: DeviceKeysTransaction) => Promise<T>,
  ): Promise<T> {
    return this.db
      .transaction()
      .execute(async (trx) => work(await KyselyDeviceKeysTransaction.begin(trx, deviceId, this.rowLocks)));
  }

  findKey(keyId: string): Promise<DeviceKey | undefined> {
    return findKey(this.db, keyId);
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

  countActiveKeys(deviceId: string): Promise<number> {
    return countActiveKeys(this.db, deviceId);
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
