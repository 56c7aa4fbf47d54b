import type { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** What the alert manager asks the device registry about a device. */
export interface DeviceLookup {
  /**
   * The device's type (for rules scoped to a device type), possibly cached. Undefined for a device
   * the registry does not know; rejects when the registry cannot answer.
   */
  typeOf(deviceId: string): Promise<SensorType | undefined>;
  /** The device's status as the registry tells it now (never cached); undefined and rejections as typeOf. */
  statusOf(deviceId: string): Promise<DeviceStatus | undefined>;
}
