import type { Device, DeviceStatus } from '../devices/domain/device.js';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { DeviceKey } from '../keys/domain/device-key.js';

export interface DeviceFilter {
  type?: SensorType;
  site?: string;
  status?: DeviceStatus;
}

/** What one change of a device's keys reads and writes, inside a transaction that holds the device. */
export interface DeviceKeysTransaction {
  /** The device as it is now; undefined when there is none. */
  readonly device: Device | undefined;
  /** Active keys of the device outside a rotation's grace period. */
  countActiveKeys(): Promise<number>;
  /** A key of the device as stored now; undefined when the device has none of that id. */
  findKey(keyId: string): Promise<DeviceKey | undefined>;
  insertKey(key: DeviceKey): Promise<void>;
  /**
   * Revokes a key of the device that works at `at` (active, within its grace period if rotated); false
   * when it does not (revoked already, its grace period over, or unknown).
   */
  revokeKey(keyId: string, at: number): Promise<boolean>;
  /** Records a rotation of an active key: it works until `expireTime`, and `replacementKeyId` replaced it. */
  markReplaced(keyId: string, replacementKeyId: string, expireTime: number): Promise<void>;
}

/** Persistence of devices and their keys. */
export interface RegistryStore {
  /** False when a device with the same id exists. */
  insertDevice(device: Device): Promise<boolean>;
  findDevice(id: string): Promise<Device | undefined>;
  /** Devices ordered by id, after `afterId`, at most `limit`. */
  listDevices(filter: DeviceFilter, afterId: string | undefined, limit: number): Promise<Device[]>;
  /**
   * Changes one device in a transaction that holds it, as changeDeviceKeys does: `change` is given the
   * device as stored now (undefined when there is none) and returns it changed, which is saved and
   * returned. Concurrent changes thus apply one after another, none over a copy read before another
   * was saved. When `change` throws, nothing is saved and the error is thrown.
   */
  changeDevice(id: string, change: (current: Device | undefined) => Device): Promise<Device>;
  /**
   * Decommissions the device, writing only its status and update time, and revokes all its keys that
   * still work (those in a rotation's grace period included), in one transaction. A device decommissioned already is left as it is. Returns the device as stored
   * then; undefined when there is none.
   */
  decommissionDevice(id: string, at: number): Promise<Device | undefined>;

  /**
   * Runs `work` in one transaction that holds the device until it ends, so the changes of one device's
   * keys and its decommissioning run one after another: what `work` reads still holds when it writes.
   * Everything `work` wrote is committed, or nothing is (when it throws).
   */
  changeDeviceKeys<T>(deviceId: string, work: (transaction: DeviceKeysTransaction) => Promise<T>): Promise<T>;
  findKey(keyId: string): Promise<DeviceKey | undefined>;
  listKeys(deviceId: string): Promise<DeviceKey[]>;
  /** Active keys of the device outside a rotation's grace period. */
  countActiveKeys(deviceId: string): Promise<number>;
  touchKey(keyId: string, at: number): Promise<void>;
  close(): Promise<void>;
}
