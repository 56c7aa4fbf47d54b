import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { Device } from '../devices/domain/device.js';
import { KeyState, type DeviceKey } from '../keys/domain/device-key.js';
import type { DeviceKeysTransaction } from './registry-store.port.js';
import { holdDevice } from './held-device.js';
import { keyFromRow, keyToRow } from './registry.rows.js';
import type { RegistryDatabase } from './registry.schema.js';

export async function countActiveKeys(db: Kysely<RegistryDatabase>, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('device_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('state', '=', KeyState.KEY_STATE_ACTIVE)
    .where('expire_time', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A key by its id (and, given one, only if it is that device's). */
export async function findKey(
  db: Kysely<RegistryDatabase>,
  keyId: string,
  deviceId?: string,
): Promise<DeviceKey | undefined> {
  let query = db.selectFrom('device_keys').selectAll().where('key_id', '=', keyId);
  if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
  const row = await query.executeTakeFirst();
  return row && keyFromRow(row);
}

/** Keys that authenticate at `at`: active and, if rotated, within their grace period. */
export const workingAt = (at: number) => (eb: ExpressionBuilder<RegistryDatabase, 'device_keys'>) =>
  eb.and([
    eb('state', '=', KeyState.KEY_STATE_ACTIVE),
    eb.or([eb('expire_time', 'is', null), eb('expire_time', '>', at)]),
  ]);

/**
 * A change of one device's keys. The device is held first (see holdDevice), so the other changes of
 * the device and its decommissioning wait until this transaction ends.
 */
export class KyselyDeviceKeysTransaction implements DeviceKeysTransaction {
  private constructor(
    private readonly trx: Transaction<RegistryDatabase>,
    private readonly deviceId: string,
    readonly device: Device | undefined,
  ) {}

  static async begin(
    trx: Transaction<RegistryDatabase>,
    deviceId: string,
    rowLocks: boolean,
  ): Promise<KyselyDeviceKeysTransaction> {
    return new KyselyDeviceKeysTransaction(trx, deviceId, await holdDevice(trx, deviceId, rowLocks));
  }

  countActiveKeys(): Promise<number> {
    return countActiveKeys(this.trx, this.deviceId);
  }

  findKey(keyId: string): Promise<DeviceKey | undefined> {
    return findKey(this.trx, keyId, this.deviceId);
  }

  async insertKey(key: DeviceKey): Promise<void> {
    await this.trx.insertInto('device_keys').values(keyToRow(key)).execute();
  }

  async revokeKey(keyId: string, at: number): Promise<boolean> {
    const result = await this.trx
      .updateTable('device_keys')
      .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
      .where('key_id', '=', keyId)
      .where('device_id', '=', this.deviceId)
      .where(workingAt(at))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markReplaced(keyId: string, replacementKeyId: string, expireTime: number): Promise<void> {
    await this.trx
      .updateTable('device_keys')
      .set({ expire_time: expireTime, replacement_key_id: replacementKeyId })
      .where('key_id', '=', keyId)
      .where('device_id', '=', this.deviceId)
      .execute();
  }
}
