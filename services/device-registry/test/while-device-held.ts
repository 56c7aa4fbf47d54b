import type { RegistryStore } from '../src/infrastructure/registry-store.port.js';

// Long enough for the calls started during the hold to read the device, were they not held back.
const HOLD_MS = 200;

/**
 * Runs the calls `start` begins while a change of the device's keys holds the device (as a key being
 * issued does), and lets go of it only after they had time to read it. Calls that read the device
 * without waiting for the hold thus all read the same copy, and their writes then race.
 */
export async function whileDeviceHeld<T>(
  store: RegistryStore,
  deviceId: string,
  start: () => Promise<T>,
): Promise<T> {
  let held!: () => void;
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const hold = store.changeDeviceKeys(deviceId, async () => {
    held();
    await released;
  });
  await holding;
  const calls = start();
  // The caller learns of a failure from the returned promise; until then it is not unhandled.
  calls.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  release();
  await hold;
  return calls;
}
