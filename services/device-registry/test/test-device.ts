import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DeviceStatus, type DeviceFields } from '../src/devices/domain/device.js';

/** An active temperature device's fields, as the tests register it (over gRPC with `id: ''` added). */
export const deviceFields = (name: string): DeviceFields => ({
  name,
  type: SensorType.SENSOR_TYPE_TEMPERATURE,
  customType: '',
  location: { site: 'plant-1', zone: '', latitude: 0, longitude: 0 },
  ownerEmail: 'ops@example.com',
  status: DeviceStatus.DEVICE_STATUS_ACTIVE,
  labels: {},
});
