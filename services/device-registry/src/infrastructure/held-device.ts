import type { Transaction } from 'kysely';
import type { Device } from '../devices/domain/device.js';
import { deviceFromRow } from './registry.rows.js';
import type { RegistryDatabase } from './registry.schema.js';

/**
 * Reads a device inside `trx` and holds it until the transaction ends, so that what is decided from
 * it still holds when the transaction writes; undefined when there is none. On PostgreSQL the row is
 * locked (FOR UPDATE): changes of the device wait, and so does its decommissioning, whose UPDATE locks
 * the row too. SQLite needs no lock: Kysely drives its one connection behind a mutex, so a transaction
 * runs alone in this process. Another process writing the file meanwhile makes this transaction's
 * write fail (SQLITE_BUSY), never overwrite that change.
 */
export async function holdDevice(
  trx: Transaction<RegistryDatabase>,
  deviceId: string,
  rowLocks: boolean,
): Promise<Device | undefined> {
  let query = trx.selectFrom('devices').selectAll().where('id', '=', deviceId);
  if (rowLocks) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && deviceFromRow(row);
}
