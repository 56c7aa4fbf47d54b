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
    // In doubles 273.16 - 273.15 is 0.010000000000047748, and (32.1 - 32) * 5 / 9 0.055555555555556344.
    expect(toCanonical(TEMP, 273.16, 'k')).toBe(0.01);
    expect(toCanonical(TEMP, 265.1, 'k')).toBe(-8.05);
  });

  // The exact conversion of the decimal sent, by rational arithmetic from the units' definitions
  // (1 psi = 0.45359237 kg × 9.80665 m/s² / (0.0254 m)² = 6894.757293168361336… Pa), cut to 15
  // significant digits.
  it.each([
    ['psi', 1, 68.9475729316836],
    ['psi', 10, 689.475729316836],
    ['psi', 14.6959, 1013.24663704673],
    ['psi', 15.954, 1099.98957855208],
    ['psi', 0.001, 0.0689475729316836],
    ['k', 0, -273.15],
    ['k', 300.001, 26.851],
    ['f', 32.1, 0.0555555555555556],
    ['f', 33.704021, 0.946678333333333],
    ['f', 0.1, -17.7222222222222],
    ['f', -40, -40],
  ])('converts %s %s to the exact value in 15 digits, %s', (unit, value, exact) => {
    expect(toCanonical(unit === 'psi' ? PRESSURE : TEMP, value, unit)).toBe(exact);
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
