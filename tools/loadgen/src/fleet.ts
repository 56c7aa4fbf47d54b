import { mapConcurrently } from './concurrency.js';
import { DEVICE_NUMBER_DIGITS } from './load-options.js';
import { OperatorCallError, type OperatorApi } from './operator-api.js';

/** A simulated device with a key of its own for this run. */
export interface FleetDevice {
  index: number;
  deviceId: string;
  apiKey: string;
  keyId: string;
}

/** Keys this tool issues say so, so that it only ever revokes its own. */
export const KEY_DESCRIPTION = 'iot-mesh loadgen';
// Key issuing is deliberately slow (scrypt); a few at a time keeps registration quick without
// tripping the gateway's per-client rate limit.
const REGISTRATION_CONCURRENCY = 8;

/** The fleet's device ids: fixed-width numbers, so a re-run with more devices reuses the first ones. */
export function fleetDeviceIds(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(i).padStart(DEVICE_NUMBER_DIGITS, '0')}`,
  );
}

/**
 * Registers every device (an existing one is reused) and issues it a fresh key. A device that
 * already holds the most keys allowed, e.g. after runs that were killed before cleaning up, gets
 * its oldest key from this tool revoked first. When a device cannot be registered, the keys
 * issued so far are revoked again and the error names the device.
 */
export async function registerFleet(
  api: OperatorApi,
  deviceIds: readonly string[],
  concurrency = REGISTRATION_CONCURRENCY,
): Promise<FleetDevice[]> {
  const issued: FleetDevice[] = [];
  try {
    return await mapConcurrently(deviceIds, concurrency, async (deviceId, index) => {
      try {
        await api.createDevice(deviceId);
        const device = { index, deviceId, ...(await issueKey(api, deviceId)) };
        issued.push(device);
        return device;
      } catch (error) {
        throw new Error(`registering device ${deviceId} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
  } catch (error) {
    await revokeFleetKeys(api, issued, concurrency);
    throw error;
  }
}

async function issueKey(api: OperatorApi, deviceId: string) {
  try {
    return await api.issueKey(deviceId, KEY_DESCRIPTION);
  } catch (error) {
    if (!(error instanceof OperatorCallError) || error.reason !== 'DEVICE_KEY.LIMIT') throw error;
    const ours = (await api.listKeys(deviceId))
      .filter((k) => k.state === 'KEY_STATE_ACTIVE' && k.description === KEY_DESCRIPTION)
      .sort((a, b) => a.createTime.localeCompare(b.createTime));
    if (ours.length === 0) throw error; // every key belongs to someone else: not ours to revoke
    await api.revokeKey(deviceId, ours[0].keyId);
    return api.issueKey(deviceId, KEY_DESCRIPTION);
  }
}

/** Revokes the run's keys; returns what could not be revoked (the run's result stands regardless). */
export async function revokeFleetKeys(
  api: OperatorApi,
  fleet: readonly FleetDevice[],
  concurrency = REGISTRATION_CONCURRENCY,
): Promise<string[]> {
  const problems = await mapConcurrently(fleet, concurrency, async (device) => {
    try {
      if (device.keyId) await api.revokeKey(device.deviceId, device.keyId);
      return undefined;
    } catch (error) {
      return `key ${device.keyId} of ${device.deviceId} was not revoked: ${(error as Error).message}`;
    }
  });
  return problems.filter((p): p is string => p !== undefined);
}
