import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { readingsViolations, readingViolations } from './reading.validation.js';

const valid: Reading = {
  readingId: 'r-1',
  deviceId: 'boiler-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: { seconds: 1_768_471_200, nanos: 0 },
  customSensor: '',
};
const fieldsOf = (changes: Partial<Reading>) =>
  readingViolations({ ...valid, ...changes }, 3).map((v) => v.field);

describe('reading validation', () => {
  it('accepts a complete reading', () => {
    expect(readingViolations(valid, 0)).toEqual([]);
  });

  it.each<[string, Partial<Reading>, string]>([
    ['empty reading id', { readingId: '' }, 'readings[3].reading_id'],
    ['overlong reading id', { readingId: 'x'.repeat(201) }, 'readings[3].reading_id'],
    ['empty device id', { deviceId: '' }, 'readings[3].device_id'],
    ['a device id no device can have', { deviceId: 'Boiler/1' }, 'readings[3].device_id'],
    [
      'unspecified sensor type',
      { sensorType: SensorType.SENSOR_TYPE_UNSPECIFIED },
      'readings[3].sensor_type',
    ],
    ['unknown sensor type', { sensorType: 17 as SensorType }, 'readings[3].sensor_type'],
    ['NaN value', { value: Number.NaN }, 'readings[3].value'],
    ['infinite value', { value: Number.NEGATIVE_INFINITY }, 'readings[3].value'],
    ['missing timestamp', { timestamp: undefined }, 'readings[3].timestamp'],
    ['bad nanos', { timestamp: { seconds: 1, nanos: 1_000_000_000 } }, 'readings[3].timestamp'],
    ['year 10000', { timestamp: { seconds: 253_402_300_800, nanos: 0 } }, 'readings[3].timestamp'],
  ])('reports %s', (_name, changes, field) => {
    expect(fieldsOf(changes)).toEqual([field]);
  });

  const custom: Partial<Reading> = {
    sensorType: SensorType.SENSOR_TYPE_CUSTOM,
    unit: 'ppm',
    customSensor: 'co2',
  };
  const problemsOf = (changes: Partial<Reading>) =>
    readingViolations({ ...valid, ...changes }, 3).map((v) => `${v.field}:${v.reason}`);

  it('accepts a custom reading that names its quantity in at most 50 printable characters', () => {
    expect(problemsOf(custom)).toEqual([]);
    expect(problemsOf({ ...custom, customSensor: 'c'.repeat(50) })).toEqual([]);
    expect(problemsOf({ ...custom, customSensor: 'room 2: CO₂ (ppm)' })).toEqual([]);
  });

  it.each<[string, Partial<Reading>, string]>([
    ['a custom reading without its name', { ...custom, customSensor: '' }, 'READING.CUSTOM_SENSOR_REQUIRED'],
    ['a blank name', { ...custom, customSensor: ' \t' }, 'READING.CUSTOM_SENSOR_REQUIRED'],
    ['a name on another sensor type', { customSensor: 'co2' }, 'READING.CUSTOM_SENSOR_UNEXPECTED'],
    ['a name of 51 characters', { ...custom, customSensor: 'c'.repeat(51) }, 'READING.CUSTOM_SENSOR_FORMAT'],
    ['a line break in the name', { ...custom, customSensor: 'co2\n' }, 'READING.CUSTOM_SENSOR_FORMAT'],
    ['DEL in the name', { ...custom, customSensor: 'co\u007f2' }, 'READING.CUSTOM_SENSOR_FORMAT'],
  ])('refuses %s', (_name, changes, reason) => {
    expect(problemsOf(changes)).toEqual([`readings[3].custom_sensor:${reason}`]);
  });

  it('names every bad reading by its position', () => {
    const problems = readingsViolations([valid, { ...valid, deviceId: '', value: Number.NaN }]);
    expect(problems.map((v) => v.field)).toEqual(['readings[1].device_id', 'readings[1].value']);
  });
});
