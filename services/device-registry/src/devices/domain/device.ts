import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

export { DeviceStatus };

export interface DeviceLocation {
  site: string;
  zone: string;
  latitude: number;
  longitude: number;
}

/** A registered device as the registry keeps it. Times are epoch milliseconds. */
export interface Device {
  id: string;
  name: string;
  type: SensorType;
  customType: string;
  location: DeviceLocation;
  ownerEmail: string;
  status: DeviceStatus;
  labels: Record<string, string>;
  createTime: number;
  updateTime: number;
}

/** The fields a client may set on create and change through an update mask. */
export type DeviceFields = Omit<Device, 'id' | 'createTime' | 'updateTime'>;

export const UPDATABLE_PATHS = [
  'name',
  'location',
  'owner_email',
  'status',
  'labels',
  'custom_type',
] as const;
export type UpdatablePath = (typeof UPDATABLE_PATHS)[number];
