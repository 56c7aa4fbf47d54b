import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DeviceStatus, type DeviceFields } from './device.js';
import { deviceFieldViolations, deviceIdViolations } from './device.validation.js';

const valid: DeviceFields = {
  name: 'Boiler room sensor',
  type: SensorType.SENSOR_TYPE_TEMPERATURE,
  customType: '',
  location: { site: 'plant-1', zone: 'boiler', latitude: 52.5, longitude: 13.4 },
  ownerEmail: 'ops@example.com',
  status: DeviceStatus.DEVICE_STATUS_ACTIVE,
  labels: { floor: '2', 'vendor.model': 'tx-9' },
};
const fieldsOf = (changes: Partial<DeviceFields>) =>
  deviceFieldViolations({ ...valid, ...changes }).map((v) => v.field);

describe('device validation', () => {
  it('accepts a complete device', () => {
    expect(deviceFieldViolations(valid)).toEqual([]);
  });

  it.each<[string, Partial<DeviceFields>, string]>([
    ['empty name', { name: ' ' }, 'name'],
    ['control characters', { name: 'a\u0000b' }, 'name'],
    ['a C1 control character', { name: 'a\u0085b' }, 'name'],
    ['unspecified type', { type: SensorType.SENSOR_TYPE_UNSPECIFIED }, 'type'],
    ['unknown type', { type: 42 as SensorType }, 'type'],
    ['custom type without name', { type: SensorType.SENSOR_TYPE_CUSTOM }, 'custom_type'],
    ['custom name on a standard type', { customType: 'x' }, 'custom_type'],
    ['bad email', { ownerEmail: 'not-an-email' }, 'owner_email'],
    // The platform's email rule: what mail software would read as two addresses or another one.
    ['two emails in one', { ownerEmail: 'ops,admin@example.com' }, 'owner_email'],
    ['a quoted email', { ownerEmail: '"ops"@example.com' }, 'owner_email'],
    ['latitude out of range', { location: { ...valid.location, latitude: 91 } }, 'location.latitude'],
    ['NaN longitude', { location: { ...valid.location, longitude: Number.NaN } }, 'location.longitude'],
    ['bad label key', { labels: { 'Bad Key': 'x' } }, 'labels.Bad Key'],
    ['decommissioned status', { status: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED }, 'status'],
  ])('reports %s', (_name, changes, field) => {
    expect(fieldsOf(changes)).toEqual([field]);
  });

  it('reports every problem at once', () => {
    expect(fieldsOf({ name: '', ownerEmail: '' })).toEqual(['name', 'owner_email']);
  });

  it('checks client-chosen ids', () => {
    expect(deviceIdViolations('boiler-1')).toEqual([]);
    expect(deviceIdViolations('Boiler 1')).toHaveLength(1);
    expect(deviceIdViolations("x'; drop table devices;--")).toHaveLength(1);
  });
});
