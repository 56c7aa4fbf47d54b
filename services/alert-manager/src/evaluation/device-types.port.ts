import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** Finds a device's type (for rules scoped to a device type). */
export interface DeviceTypeLookup {
  /** Undefined for a device the registry does not know; rejects when the registry cannot answer. */
  typeOf(deviceId: string): Promise<SensorType | undefined>;
}
