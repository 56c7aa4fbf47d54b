import { timestampFromMillis } from '@iot-mesh/platform';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** The devices the stub registry knows; every other id is NOT_FOUND. */
export const DEVICES = {
  'dev-active': DeviceStatus.DEVICE_STATUS_ACTIVE,
  'dev-active-2': DeviceStatus.DEVICE_STATUS_ACTIVE,
  'dev-active-3': DeviceStatus.DEVICE_STATUS_ACTIVE,
  'dev-disabled': DeviceStatus.DEVICE_STATUS_DISABLED,
} as const;

/** A valid reading from the active device, taken a second ago. */
export function reading(readingId: string, changes: Partial<Reading> = {}): Reading {
  return {
    readingId,
    deviceId: 'dev-active',
    sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
    value: 21.5,
    unit: 'celsius',
    timestamp: timestampFromMillis(Date.now() - 1_000),
    customSensor: '',
    ...changes,
  };
}
