import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { millisFromDuration } from '../rule.mapper.js';
import { Operator, Severity, type RuleFields } from './rule.js';
import { ruleFieldViolations } from './rule.validation.js';

const valid: RuleFields = {
  name: 'Boiler too hot',
  scope: { kind: 'device', deviceId: 'boiler-1' },
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  operator: Operator.OPERATOR_GREATER_THAN,
  threshold: 80,
  thresholdHigh: 0,
  forDurationMs: 60_000,
  severity: Severity.SEVERITY_CRITICAL,
  hysteresis: 2,
  enabled: true,
};
const fieldsOf = (changes: Partial<RuleFields>) =>
  ruleFieldViolations({ ...valid, ...changes }).map((v) => v.field);
const range = { operator: Operator.OPERATOR_OUTSIDE_RANGE, threshold: 10, thresholdHigh: 20 };

describe('rule validation', () => {
  it('accepts complete rules of every scope', () => {
    expect(fieldsOf({})).toEqual([]);
    expect(fieldsOf({ scope: { kind: 'device_type', deviceType: SensorType.SENSOR_TYPE_HUMIDITY } })).toEqual(
      [],
    );
    expect(fieldsOf({ scope: { kind: 'all_devices' }, ...range, hysteresis: 4.9 })).toEqual([]);
    expect(fieldsOf({ forDurationMs: 0, hysteresis: 0 })).toEqual([]);
  });

  it.each<[string, Partial<RuleFields>, string]>([
    ['an empty name', { name: '  ' }, 'name'],
    ['a name with control characters', { name: 'a\nb' }, 'name'],
    ['no scope', { scope: undefined }, 'scope'],
    ['an empty device id', { scope: { kind: 'device', deviceId: '' } }, 'scope.device_id'],
    [
      'an unknown device type',
      { scope: { kind: 'device_type', deviceType: 9 as SensorType } },
      'scope.device_type',
    ],
    ['an unspecified device type', { scope: { kind: 'device_type', deviceType: 0 } }, 'scope.device_type'],
    ['an unspecified sensor type', { sensorType: SensorType.SENSOR_TYPE_UNSPECIFIED }, 'sensor_type'],
    ['an unknown operator', { operator: 42 as Operator }, 'operator'],
    ['an unspecified severity', { severity: Severity.SEVERITY_UNSPECIFIED }, 'severity'],
    ['a NaN threshold', { threshold: Number.NaN }, 'threshold'],
    ['an infinite upper threshold', { thresholdHigh: Number.POSITIVE_INFINITY }, 'threshold_high'],
    ['an empty range', { ...range, thresholdHigh: 10 }, 'threshold_high'],
    [
      'a reversed range',
      { operator: Operator.OPERATOR_INSIDE_RANGE, threshold: 5, thresholdHigh: 1 },
      'threshold_high',
    ],
    ['a negative for_duration', { forDurationMs: -1 }, 'for_duration'],
    ['a for_duration over 24h', { forDurationMs: 24 * 3_600_000 + 1 }, 'for_duration'],
    ['a malformed for_duration', { forDurationMs: Number.NaN }, 'for_duration'],
    ['a negative hysteresis', { hysteresis: -0.1 }, 'hysteresis'],
    ['an infinite hysteresis', { hysteresis: Number.POSITIVE_INFINITY }, 'hysteresis'],
    ['a margin too wide to resolve', { ...range, hysteresis: 5 }, 'hysteresis'],
  ])('reports %s', (_name, changes, field) => {
    expect(fieldsOf(changes)).toEqual([field]);
  });

  describe('custom_sensor', () => {
    const custom = { sensorType: SensorType.SENSOR_TYPE_CUSTOM };
    const problemsOf = (changes: Partial<RuleFields>) =>
      ruleFieldViolations({ ...valid, ...changes }).map((v) => [v.field, v.reason]);

    it('accepts a named custom quantity of up to 50 characters, and no name for the other types', () => {
      expect(problemsOf({ ...custom, customSensor: 'co2' })).toEqual([]);
      expect(problemsOf({ ...custom, customSensor: 'x'.repeat(50) })).toEqual([]);
      expect(problemsOf({ customSensor: '' })).toEqual([]);
    });

    it.each<[string, Partial<RuleFields>, string]>([
      ['a custom rule without a name', { ...custom, customSensor: '' }, 'RULE.CUSTOM_SENSOR_REQUIRED'],
      ['a custom rule with a blank name', { ...custom, customSensor: '  ' }, 'RULE.CUSTOM_SENSOR_REQUIRED'],
      ['a name on another sensor type', { customSensor: 'co2' }, 'RULE.CUSTOM_SENSOR_UNEXPECTED'],
      ['a name over 50 characters', { ...custom, customSensor: 'x'.repeat(51) }, 'RULE.CUSTOM_SENSOR_FORMAT'],
      ['a name with control characters', { ...custom, customSensor: 'co\t2' }, 'RULE.CUSTOM_SENSOR_FORMAT'],
    ])('reports %s', (_name, changes, reason) => {
      expect(problemsOf(changes)).toEqual([['custom_sensor', reason]]);
    });
  });

  it('reports every problem at once', () => {
    expect(fieldsOf({ name: '', scope: undefined, operator: 0, hysteresis: -1 })).toEqual([
      'name',
      'scope',
      'operator',
      'hysteresis',
    ]);
  });

  it('reads durations in whole milliseconds and flags malformed or finer ones', () => {
    expect(millisFromDuration(undefined)).toBe(0);
    expect(millisFromDuration({ seconds: 90, nanos: 500_000_000 })).toBe(90_500);
    expect(millisFromDuration({ seconds: 90, nanos: 500_999_999 })).toBeNaN();
    expect(millisFromDuration({ seconds: 0, nanos: 1 })).toBeNaN();
    expect(millisFromDuration({ seconds: -5, nanos: 0 })).toBe(-5_000);
    expect(millisFromDuration({ seconds: 1, nanos: -1 })).toBeNaN();
    expect(millisFromDuration({ seconds: 0, nanos: 2_000_000_000 })).toBeNaN();
  });
});
