import { chunked } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';

/** Those of `deviceIds` recorded as decommissioned, a few IN-list queries in parallel. */
export async function findDecommissionedDevices(
  db: Kysely<AlertDatabase>,
  deviceIds: readonly string[],
): Promise<Set<string>> {
  const parts = await Promise.all(
    chunked([...new Set(deviceIds)]).map((part) =>
      db.selectFrom('decommissioned_devices').select('device_id').where('device_id', 'in', part).execute(),
    ),
  );
  return new Set(parts.flat().map((row) => row.device_id));
}
