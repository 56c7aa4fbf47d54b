import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { checkReading, type TimeLimits } from './reading.validation.js';

const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);
const limits: TimeLimits = { maxFutureSkewMs: 5 * 60_000, maxReadingAgeMs: 7 * 24 * 3_600_000 };
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

const valid: Reading = {
  readingId: 'r-1:boiler.a_b',
  deviceId: 'boiler-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: at(NOW - 1_000),
  customSensor: '',
};
const check = (changes: Partial<Reading>) => checkReading({ ...valid, ...changes }, NOW, limits);
const reasons = (changes: Partial<Reading>) => {
  const result = check(changes);
  return result.ok ? [] : result.violations.map((v) => `${v.field}:${v.reason}`);
};
const normalised = (changes: Partial<Reading>) => {
  const result = check(changes);
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  return result.reading;
};

describe('reading validation', () => {
  it('accepts a valid reading unchanged', () => {
    expect(check({})).toEqual({ ok: true, reading: valid });
  });

  it.each<[string, Partial<Reading>, string]>([
    ['missing reading id', { readingId: '' }, 'reading_id:READING.ID_REQUIRED'],
    ['reading id with spaces', { readingId: 'r 1' }, 'reading_id:READING.ID_FORMAT'],
    ['reading id over 128 chars', { readingId: 'r'.repeat(129) }, 'reading_id:READING.ID_FORMAT'],
    ['missing device id', { deviceId: ' ' }, 'device_id:READING.DEVICE_REQUIRED'],
    [
      'unspecified sensor type',
      { sensorType: SensorType.SENSOR_TYPE_UNSPECIFIED },
      'sensor_type:ENUM.INVALID',
    ],
    ['unknown sensor type', { sensorType: 9 as SensorType }, 'sensor_type:ENUM.INVALID'],
    ['NaN', { value: Number.NaN }, 'value:READING.NOT_FINITE'],
    ['Infinity', { value: Number.POSITIVE_INFINITY }, 'value:READING.NOT_FINITE'],
    ['-Infinity', { value: Number.NEGATIVE_INFINITY }, 'value:READING.NOT_FINITE'],
    ['unit of another type', { unit: 'hpa' }, 'unit:READING.UNIT_UNKNOWN'],
    ['no unit for temperature', { unit: '' }, 'unit:READING.UNIT_UNKNOWN'],
    ['missing timestamp', { timestamp: undefined }, 'timestamp:READING.TIMESTAMP_REQUIRED'],
    ['bad nanos', { timestamp: { seconds: 1, nanos: 1e9 } }, 'timestamp:READING.TIMESTAMP_INVALID'],
    [
      'custom name on a standard type',
      { customSensor: 'co2' },
      'custom_sensor:READING.CUSTOM_SENSOR_UNEXPECTED',
    ],
  ])('reports %s', (_name, changes, problem) => {
    expect(reasons(changes)).toEqual([problem]);
  });

  it('reports every problem of a reading at once', () => {
    expect(reasons({ readingId: '', deviceId: '', value: Number.NaN, timestamp: undefined })).toEqual([
      'reading_id:READING.ID_REQUIRED',
      'device_id:READING.DEVICE_REQUIRED',
      'value:READING.NOT_FINITE',
      'timestamp:READING.TIMESTAMP_REQUIRED',
    ]);
  });

  it('passes a reading in its canonical unit on as it is, and copies one it converts', () => {
    const canonical = { ...valid };
    const passed = checkReading(canonical, NOW, limits);
    expect(passed.ok && passed.reading).toBe(canonical);
    const fahrenheit = { ...valid, value: 212, unit: 'F' };
    const converted = checkReading(fahrenheit, NOW, limits);
    expect(converted.ok && converted.reading).not.toBe(fahrenheit);
    expect(fahrenheit).toMatchObject({ value: 212, unit: 'F' });
    // -0 is changed to 0, so it is copied too.
    const negativeZero = { ...valid, value: -0 };
    const zero = checkReading(negativeZero, NOW, limits);
    expect(Object.is(negativeZero.value, -0)).toBe(true);
    expect(zero.ok && Object.is(zero.reading.value, 0)).toBe(true);
  });

  it('bounds custom values, so that no window sum overflows to Infinity', () => {
    const custom = { sensorType: SensorType.SENSOR_TYPE_CUSTOM, customSensor: 'co2', unit: 'ppm' };
    expect(normalised({ ...custom, value: -1e100 }).value).toBe(-1e100);
    expect(reasons({ ...custom, value: 1e308 })).toEqual(['value:READING.OUT_OF_RANGE']);
    expect(reasons({ ...custom, value: -1.1e100 })).toEqual(['value:READING.OUT_OF_RANGE']);
  });

  it('normalises -0 to 0', () => {
    expect(Object.is(normalised({ value: -0 }).value, 0)).toBe(true);
    const custom = { sensorType: SensorType.SENSOR_TYPE_CUSTOM, customSensor: 'co2', unit: 'ppm' };
    expect(Object.is(normalised({ ...custom, value: -0 }).value, 0)).toBe(true);
  });

  it('converts to the canonical unit before checking the range', () => {
    expect(normalised({ value: 212, unit: 'F' })).toMatchObject({ value: 100, unit: 'celsius' });
    expect(normalised({ value: 250, unit: 'kelvin' })).toMatchObject({ value: -23.15, unit: 'celsius' });
    // 160 °C is out of range, but 160 °F (71.1 °C) is not.
    expect(reasons({ value: 160 })).toEqual(['value:READING.OUT_OF_RANGE']);
    expect(normalised({ value: 160, unit: 'fahrenheit' }).value).toBeCloseTo(71.11, 2);
    const pressure = { sensorType: SensorType.SENSOR_TYPE_PRESSURE };
    expect(normalised({ ...pressure, value: 101.325, unit: 'kPa' })).toMatchObject({
      value: 1013.25,
      unit: 'hpa',
    });
    expect(reasons({ ...pressure, value: 1013.25, unit: 'kpa' })).toEqual(['value:READING.OUT_OF_RANGE']);
  });

  it.each<[SensorType, string, number, number]>([
    [SensorType.SENSOR_TYPE_TEMPERATURE, 'celsius', -90, 150],
    [SensorType.SENSOR_TYPE_HUMIDITY, 'percent', 0, 100],
    [SensorType.SENSOR_TYPE_PRESSURE, 'hpa', 300, 1100],
    [SensorType.SENSOR_TYPE_MOTION, 'count', 0, 1e6],
  ])('keeps type %i within its range, bounds included', (sensorType, unit, min, max) => {
    expect(reasons({ sensorType, unit, value: min })).toEqual([]);
    expect(reasons({ sensorType, unit, value: max })).toEqual([]);
    expect(reasons({ sensorType, unit, value: min - 0.01 })).toEqual(['value:READING.OUT_OF_RANGE']);
    expect(reasons({ sensorType, unit, value: max + 0.01 })).toEqual(['value:READING.OUT_OF_RANGE']);
  });

  it('names the canonical unit for motion readings sent without one', () => {
    const motion = { sensorType: SensorType.SENSOR_TYPE_MOTION, value: 4, unit: '' };
    expect(normalised(motion)).toMatchObject({ value: 4, unit: 'count' });
  });

  it('takes custom sensors with any short unit and no range, but requires their name', () => {
    const custom = {
      sensorType: SensorType.SENSOR_TYPE_CUSTOM,
      customSensor: 'co2',
      unit: 'ppm',
      value: 5e9,
    };
    expect(normalised(custom)).toMatchObject({ value: 5e9, unit: 'ppm', customSensor: 'co2' });
    expect(reasons({ ...custom, customSensor: '' })).toEqual([
      'custom_sensor:READING.CUSTOM_SENSOR_REQUIRED',
    ]);
    expect(reasons({ ...custom, unit: 'u'.repeat(32) })).toEqual([]);
    expect(reasons({ ...custom, unit: 'u'.repeat(33) })).toEqual(['unit:READING.UNIT_FORMAT']);
  });

  it('accepts timestamps up to the future skew and back to the maximum age', () => {
    expect(reasons({ timestamp: at(NOW + limits.maxFutureSkewMs) })).toEqual([]);
    expect(reasons({ timestamp: at(NOW + limits.maxFutureSkewMs + 1) })).toEqual([
      'timestamp:READING.TIMESTAMP_IN_FUTURE',
    ]);
    expect(reasons({ timestamp: at(NOW - limits.maxReadingAgeMs) })).toEqual([]);
    expect(reasons({ timestamp: at(NOW - limits.maxReadingAgeMs - 1) })).toEqual([
      'timestamp:READING.TIMESTAMP_TOO_OLD',
    ]);
    expect(reasons({ timestamp: { seconds: 0, nanos: 0 } })).toEqual(['timestamp:READING.TIMESTAMP_TOO_OLD']);
  });

  it('uses the clock it is given, not the machine clock', () => {
    const past = { ...valid, timestamp: at(Date.UTC(2001, 0, 1)) };
    expect(checkReading(past, Date.UTC(2001, 0, 1, 0, 1), limits).ok).toBe(true);
    expect(checkReading(past, NOW, limits).ok).toBe(false);
  });
});
