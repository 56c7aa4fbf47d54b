import { mapConcurrently } from '@iot-mesh/platform';
import { DEVICE_NUMBER_DIGITS } from './load-options.js';
import type { OperatorApi } from './operator-api.js';
import type { RunKeys } from './run-keys.js';

/** A simulated device with a key of its own for this run. */
export interface FleetDevice {
  index: number;
  deviceId: string;
  apiKey: string;
  keyId: string;
}

// Key issuing is deliberately slow (scrypt); a few at a time keeps registration quick without
// tripping the gateway's per-client rate limit.
export const REGISTRATION_CONCURRENCY = 8;

/** The fleet's device ids: fixed-width numbers, so a re-run with more devices reuses the first ones. */
export function fleetDeviceIds(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(i).padStart(DEVICE_NUMBER_DIGITS, '0')}`,
  );
}

export interface RegistrationOptions {
  concurrency?: number;
  /** Once aborted (Ctrl+C), no further device is registered; the fleet is the devices done so far. */
  signal?: AbortSignal | undefined;
}

/**
 * Registers every device (an existing one is reused) and issues it a fresh key of the run. Stops at
 * the first device that cannot be registered, naming it. Either way the caller revokes the run's
 * keys afterwards (`keys.revokeAll`): that also finds keys whose answers never came back.
 */
export async function registerFleet(
  api: OperatorApi,
  keys: RunKeys,
  deviceIds: readonly string[],
  { concurrency = REGISTRATION_CONCURRENCY, signal }: RegistrationOptions = {},
): Promise<FleetDevice[]> {
  const fleet = await mapConcurrently(deviceIds, concurrency, async (deviceId, index) => {
    if (signal?.aborted) return undefined;
    try {
      await api.createDevice(deviceId);
      return { index, deviceId, ...(await keys.issue(deviceId)) };
    } catch (error) {
      throw new Error(`registering device ${deviceId} failed: ${(error as Error).message}`, { cause: error });
    }
  });
  return fleet.filter((device) => device !== undefined);
}
