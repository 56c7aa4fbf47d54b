import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Severity, type Rule, type RuleScope } from '../../rules/domain/rule.js';
import type { EvaluatedReading } from './evaluated-reading.js';
import { devicesNeedingType, groupByRuleAndDevice, ruleApplies } from './rule-matching.js';

const rule = (id: string, scope: RuleScope, changes: Partial<Rule> = {}): Rule =>
  aRule({ id, name: id, scope, severity: Severity.SEVERITY_INFO, ...changes });
const reading = (
  deviceId: string,
  sensorType = SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor = '',
): EvaluatedReading => ({
  id: `${deviceId}-r`,
  deviceId,
  sensorType,
  customSensor,
  value: 1,
  time: 1,
});
const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
const byDevice = rule('r-device', { kind: 'device', deviceId: 'boiler-1' });
const byType = rule('r-type', { kind: 'device_type', deviceType: SensorType.SENSOR_TYPE_TEMPERATURE });
const everyone = rule('r-all', { kind: 'all_devices' });
const types = new Map([
  ['boiler-1', SensorType.SENSOR_TYPE_TEMPERATURE],
  ['multi-1', SensorType.SENSOR_TYPE_HUMIDITY],
]);

describe('rule matching', () => {
  it('matches a device scope by id', () => {
    expect(ruleApplies(byDevice, reading('boiler-1'), types)).toBe(true);
    expect(ruleApplies(byDevice, reading('boiler-2'), types)).toBe(false);
  });

  it('matches a device-type scope by the registered type; unknown devices match nothing', () => {
    expect(ruleApplies(byType, reading('boiler-1'), types)).toBe(true);
    // A humidity device that also reports temperature is not a temperature device.
    expect(ruleApplies(byType, reading('multi-1'), types)).toBe(false);
    expect(ruleApplies(byType, reading('unknown-1'), types)).toBe(false);
  });

  it('matches every device for all_devices, but only the rule sensor type, and only enabled rules', () => {
    expect(ruleApplies(everyone, reading('anything'), types)).toBe(true);
    expect(ruleApplies(everyone, reading('anything', SensorType.SENSOR_TYPE_PRESSURE), types)).toBe(false);
    expect(ruleApplies({ ...everyone, enabled: false }, reading('anything'), types)).toBe(false);
  });

  it('matches a named custom rule only to readings of exactly its custom quantity', () => {
    const co2 = rule('r-co2', { kind: 'all_devices' }, { sensorType: CUSTOM, customSensor: 'co2' });
    expect(ruleApplies(co2, reading('room-1', CUSTOM, 'co2'), types)).toBe(true);
    expect(ruleApplies(co2, reading('room-1', CUSTOM, 'noise'), types)).toBe(false);
    expect(ruleApplies(co2, reading('room-1', CUSTOM, 'CO2'), types)).toBe(false);
    expect(ruleApplies(co2, reading('room-1', CUSTOM, 'co2 '), types)).toBe(false);
  });

  it('matches a custom rule stored without a name (from before names) to every custom reading', () => {
    const legacy = rule('r-legacy', { kind: 'all_devices' }, { sensorType: CUSTOM, customSensor: '' });
    expect(ruleApplies(legacy, reading('room-1', CUSTOM, 'co2'), types)).toBe(true);
    expect(ruleApplies(legacy, reading('room-1', CUSTOM, 'noise'), types)).toBe(true);
    expect(ruleApplies(legacy, reading('room-1'), types)).toBe(false);
  });

  it('groups only the readings of its quantity under a custom rule, so others never walk its cursor', () => {
    const co2 = rule(
      'r-co2',
      { kind: 'device', deviceId: 'room-1' },
      { sensorType: CUSTOM, customSensor: 'co2' },
    );
    const noise = rule(
      'r-noise',
      { kind: 'device', deviceId: 'room-1' },
      { sensorType: CUSTOM, customSensor: 'noise' },
    );
    const readings = [
      { ...reading('room-1', CUSTOM, 'co2'), id: 'c1' },
      { ...reading('room-1', CUSTOM, 'noise'), id: 'n1', time: 2 },
      { ...reading('room-1', CUSTOM, 'co2'), id: 'c2', time: 3 },
    ];
    const groups = groupByRuleAndDevice([co2, noise], readings, types);
    expect(groups.map((g) => [g.rule.id, g.readings.map((r) => r.id)])).toEqual([
      ['r-co2', ['c1', 'c2']],
      ['r-noise', ['n1']],
    ]);
  });

  it('asks for device types only where a device-type rule could apply', () => {
    const readings = [reading('a'), reading('b', SensorType.SENSOR_TYPE_PRESSURE), reading('a')];
    expect(devicesNeedingType([byDevice, everyone], readings)).toEqual([]);
    expect(devicesNeedingType([byType], readings)).toEqual(['a']);
  });

  it('groups readings by rule and device', () => {
    const readings = [reading('boiler-1'), reading('boiler-2'), { ...reading('boiler-1'), id: 'second' }];
    const groups = groupByRuleAndDevice([byDevice, byType, everyone], readings, types);
    expect(groups.map((g) => [g.rule.id, g.deviceId, g.readings.length])).toEqual([
      ['r-device', 'boiler-1', 2],
      ['r-type', 'boiler-1', 2],
      ['r-all', 'boiler-1', 2],
      ['r-all', 'boiler-2', 1],
    ]);
  });
});
