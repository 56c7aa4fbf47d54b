import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { customSensorViolation } from './custom-sensor.js';

const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
const reasonOf = (sensorType: SensorType, name: string, prefix: 'READING' | 'RULE' | 'FIELD' = 'READING') =>
  customSensorViolation('custom_sensor', sensorType, name, prefix)?.reason;

describe("a custom quantity's name", () => {
  it('is required for SENSOR_TYPE_CUSTOM and refused for the other types', () => {
    expect(reasonOf(CUSTOM, 'co2')).toBeUndefined();
    expect(reasonOf(SensorType.SENSOR_TYPE_TEMPERATURE, '')).toBeUndefined();
    expect(reasonOf(CUSTOM, '')).toBe('READING.CUSTOM_SENSOR_REQUIRED');
    expect(reasonOf(CUSTOM, '  ', 'RULE')).toBe('RULE.CUSTOM_SENSOR_REQUIRED');
    expect(reasonOf(SensorType.SENSOR_TYPE_HUMIDITY, 'co2', 'FIELD')).toBe('FIELD.CUSTOM_SENSOR_UNEXPECTED');
    // A filter left blank is a mistake in the filter, not a missing name.
    expect(reasonOf(CUSTOM, ' ', 'FIELD')).toBe('FIELD.CUSTOM_SENSOR_FORMAT');
    const ruleFilter = customSensorViolation('custom_sensor', CUSTOM, '\u200b', 'RULE', { filter: true });
    expect(ruleFilter?.reason).toBe('RULE.CUSTOM_SENSOR_FORMAT');
  });

  it('holds at most 50 characters and no control characters', () => {
    expect(reasonOf(CUSTOM, 'c'.repeat(50))).toBeUndefined();
    expect(reasonOf(CUSTOM, 'c'.repeat(51))).toBe('READING.CUSTOM_SENSOR_FORMAT');
    expect(reasonOf(CUSTOM, 'co2\u007f')).toBe('READING.CUSTOM_SENSOR_FORMAT');
    expect(reasonOf(CUSTOM, 'co:2 ppm/m³')).toBeUndefined();
    // C1 controls are control characters too; 50 emoji are 50 characters though 100 UTF-16 units.
    expect(reasonOf(CUSTOM, 'co2\u0085')).toBe('READING.CUSTOM_SENSOR_FORMAT');
    expect(reasonOf(CUSTOM, '😀'.repeat(50))).toBeUndefined();
    expect(reasonOf(CUSTOM, '😀'.repeat(51))).toBe('READING.CUSTOM_SENSOR_FORMAT');
    expect(customSensorViolation('readings[2].custom_sensor', CUSTOM, '', 'READING')).toEqual({
      field: 'readings[2].custom_sensor',
      reason: 'READING.CUSTOM_SENSOR_REQUIRED',
      description: 'required for SENSOR_TYPE_CUSTOM',
    });
  });
});
