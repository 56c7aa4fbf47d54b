import type { DeviceState } from './domain/device-state.js';

/**
 * Answers whether a device is registered and in which state. When the registry cannot be asked it
 * throws an UnavailableError: an unreachable registry must never turn into a false rejection.
 */
export interface DeviceDirectory {
  stateOf(deviceId: string): Promise<DeviceState>;
}
