import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { acceptedUnits, isStandardSensorType, toCanonical } from './units.js';

const { SENSOR_TYPE_TEMPERATURE: TEMP, SENSOR_TYPE_HUMIDITY: HUMIDITY } = SensorType;
const { SENSOR_TYPE_PRESSURE: PRESSURE, SENSOR_TYPE_MOTION: MOTION } = SensorType;

describe('unit normalisation', () => {
  it.each([
    ['celsius', 21.5, 21.5],
    ['C', 21.5, 21.5],
    ['°C', 21.5, 21.5],
    ['fahrenheit', 212, 100],
    ['F', 32, 0],
    ['°f', 98.6, 37],
    ['kelvin', 273.15, 0],
    [' K ', 0, -273.15],
  ])('temperature in %s', (unit, value, celsius) => {
    expect(toCanonical(TEMP, value, unit)).toBe(celsius);
  });

  it.each([
    ['hpa', 1013.25, 1013.25],
    ['mbar', 1000, 1000],
    ['kPa', 101.325, 1013.25],
    ['pa', 101325, 1013.25],
    ['bar', 1.01325, 1013.25],
    ['psi', 14.6959, 1013.25],
  ])('pressure in %s', (unit, value, hpa) => {
    expect(toCanonical(PRESSURE, value, unit)).toBeCloseTo(hpa, 2);
  });

  it('gives exact values where the conversion is exact, without float noise', () => {
    expect(toCanonical(PRESSURE, 101.325, 'kpa')).toBe(1013.25);
    expect(toCanonical(TEMP, 98.6, 'f')).toBe(37);
  });

  it('accepts the humidity and motion spellings, including an empty motion unit', () => {
    expect(toCanonical(HUMIDITY, 40, '%')).toBe(40);
    expect(toCanonical(HUMIDITY, 40, 'percent')).toBe(40);
    expect(toCanonical(MOTION, 3, 'events')).toBe(3);
    expect(toCanonical(MOTION, 3, '')).toBe(3);
  });

  it('refuses units the sensor type does not know', () => {
    expect(toCanonical(TEMP, 20, 'percent')).toBeUndefined();
    expect(toCanonical(TEMP, 20, '')).toBeUndefined();
    expect(toCanonical(HUMIDITY, 20, 'g/m3')).toBeUndefined();
    expect(toCanonical(PRESSURE, 20, 'constructor')).toBeUndefined();
  });

  it('turns -0 into 0, also after a conversion', () => {
    expect(Object.is(toCanonical(TEMP, -0, 'celsius'), 0)).toBe(true);
    expect(Object.is(toCanonical(PRESSURE, -0, 'kpa'), 0)).toBe(true);
  });

  it('lists accepted units and tells standard from custom types', () => {
    expect(acceptedUnits(MOTION)).toEqual(['count', 'events', '""']);
    expect(isStandardSensorType(TEMP)).toBe(true);
    expect(isStandardSensorType(SensorType.SENSOR_TYPE_CUSTOM)).toBe(false);
    expect(isStandardSensorType(SensorType.SENSOR_TYPE_UNSPECIFIED)).toBe(false);
  });
});
