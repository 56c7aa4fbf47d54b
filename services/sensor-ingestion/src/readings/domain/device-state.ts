import type { FieldViolation } from '@iot-mesh/platform';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';

/** What the device registry says about a device id. */
export type DeviceState = { known: false } | { known: true; status: DeviceStatus };

/** Readings are taken only from registered devices that are ACTIVE. */
export function deviceViolation(state: DeviceState): FieldViolation | undefined {
  if (!state.known) {
    return {
      field: 'device_id',
      reason: 'DEVICE.UNKNOWN',
      description: 'no device with this id is registered',
    };
  }
  if (state.status !== DeviceStatus.DEVICE_STATUS_ACTIVE) {
    const status = DeviceStatus[state.status] ?? String(state.status);
    return {
      field: 'device_id',
      reason: 'DEVICE.INACTIVE',
      description: `device is ${status}, readings are accepted only from ACTIVE devices`,
    };
  }
  return undefined;
}
