import type { Kysely, Transaction } from 'kysely';
import type { Device } from '../devices/domain/device.js';
import { KeyState, type DeviceKey } from '../keys/domain/device-key.js';
import type { DeviceKeysTransaction } from './registry-store.port.js';
import { holdDevice } from './held-device.js';
import { keyToRow } from './registry.rows.js';
import type { RegistryDatabase } from './registry.schema.js';

export async function countActiveKeys(db: Kysely<RegistryDatabase>, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('device_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('state', '=', KeyState.KEY_STATE_ACTIVE)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

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

  async insertKey(key: DeviceKey): Promise<void> {
    await this.trx.insertInto('device_keys').values(keyToRow(key)).execute();
  }

  async revokeKey(keyId: string, at: number): Promise<boolean> {
    const result = await this.trx
      .updateTable('device_keys')
      .set({ state: KeyState.KEY_STATE_REVOKED, revoke_time: at })
      .where('key_id', '=', keyId)
      .where('device_id', '=', this.deviceId)
      .where('state', '=', KeyState.KEY_STATE_ACTIVE)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
