import type { Device, DeviceStatus } from '../devices/domain/device.js';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { DeviceKey } from '../keys/domain/device-key.js';

export interface DeviceFilter {
  type?: SensorType;
  site?: string;
  status?: DeviceStatus;
}

/** Persistence of devices and their keys. */
export interface RegistryStore {
  /** False when a device with the same id exists. */
  insertDevice(device: Device): Promise<boolean>;
  findDevice(id: string): Promise<Device | undefined>;
  /** Devices ordered by id, after `afterId`, at most `limit`. */
  listDevices(filter: DeviceFilter, afterId: string | undefined, limit: number): Promise<Device[]>;
  updateDevice(device: Device): Promise<void>;
  /** Saves the decommissioned device and revokes all its active keys in one transaction. */
  decommissionDevice(device: Device, at: number): Promise<void>;

  insertKey(key: DeviceKey): Promise<void>;
  findKey(keyId: string): Promise<DeviceKey | undefined>;
  listKeys(deviceId: string): Promise<DeviceKey[]>;
  countActiveKeys(deviceId: string): Promise<number>;
  revokeKey(keyId: string, at: number): Promise<void>;
  /** Revokes `oldKeyId` and stores `replacement` in one transaction. */
  rotateKey(oldKeyId: string, at: number, replacement: DeviceKey): Promise<void>;
  touchKey(keyId: string, at: number): Promise<void>;
  close(): Promise<void>;
}
