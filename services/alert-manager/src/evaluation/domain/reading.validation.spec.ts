import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { MAX_READINGS_PER_CALL } from '@iot-mesh/platform';
import { readingsViolations } from './reading.validation.js';

const valid: Reading = {
  readingId: 'r-1',
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: { seconds: 1_700_000_000, nanos: 0 },
  customSensor: '',
};

describe('reading validation', () => {
  it('accepts normalised readings', () => {
    expect(readingsViolations([valid, { ...valid, readingId: 'r-2' }])).toEqual([]);
  });

  it('names each bad field with its index', () => {
    const bad: Reading = {
      ...valid,
      readingId: '',
      deviceId: '',
      sensorType: 0,
      value: Number.NaN,
      timestamp: undefined,
    };
    expect(readingsViolations([valid, bad]).map((v) => v.field)).toEqual([
      'readings[1].reading_id',
      'readings[1].device_id',
      'readings[1].sensor_type',
      'readings[1].value',
      'readings[1].timestamp',
    ]);
  });

  it('holds custom_sensor to the rule ingestion applies', () => {
    const custom: Reading = {
      ...valid,
      sensorType: SensorType.SENSOR_TYPE_CUSTOM,
      unit: 'ppm',
      customSensor: 'co2',
    };
    expect(readingsViolations([custom])).toEqual([]);
    const problems = readingsViolations([
      { ...custom, customSensor: '' },
      { ...valid, customSensor: 'co2' },
      { ...custom, customSensor: 'x'.repeat(51) },
      { ...custom, customSensor: 'co\u00002' },
    ]).map((v) => [v.field, v.reason]);
    expect(problems).toEqual([
      ['readings[0].custom_sensor', 'READING.CUSTOM_SENSOR_REQUIRED'],
      ['readings[1].custom_sensor', 'READING.CUSTOM_SENSOR_UNEXPECTED'],
      ['readings[2].custom_sensor', 'READING.CUSTOM_SENSOR_FORMAT'],
      ['readings[3].custom_sensor', 'READING.CUSTOM_SENSOR_FORMAT'],
    ]);
  });

  it('bounds the batch size', () => {
    const many = Array.from({ length: MAX_READINGS_PER_CALL + 1 }, () => valid);
    expect(readingsViolations(many).map((v) => v.field)).toEqual(['readings']);
  });
});
