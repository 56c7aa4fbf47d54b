import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Rule } from '../../rules/domain/rule.js';
import type { EvaluatedReading } from './evaluated-reading.js';

/** The readings of one request that one rule evaluates for one device. */
export interface EvaluationGroup {
  rule: Rule;
  deviceId: string;
  readings: EvaluatedReading[];
}

/** Device types by device id; a device the registry does not know is absent. */
export type DeviceTypes = ReadonlyMap<string, SensorType>;

/** Devices whose type must be looked up: those with a reading some device-type rule could match. */
export function devicesNeedingType(rules: readonly Rule[], readings: readonly EvaluatedReading[]): string[] {
  const typed = new Set(
    rules.filter((rule) => rule.enabled && rule.scope.kind === 'device_type').map((rule) => rule.sensorType),
  );
  return [...new Set(readings.filter((r) => typed.has(r.sensorType)).map((r) => r.deviceId))];
}

/**
 * Whether a rule evaluates a reading. A rule naming a custom quantity sees only readings of that
 * quantity (exact, case-sensitive); an unnamed custom rule from before names existed sees them all.
 */
export function ruleApplies(rule: Rule, reading: EvaluatedReading, deviceTypes: DeviceTypes): boolean {
  if (!rule.enabled || rule.sensorType !== reading.sensorType) return false;
  if (rule.customSensor !== '' && rule.customSensor !== reading.customSensor) return false;
  switch (rule.scope.kind) {
    case 'device':
      return rule.scope.deviceId === reading.deviceId;
    case 'device_type':
      return deviceTypes.get(reading.deviceId) === rule.scope.deviceType;
    case 'all_devices':
      return true;
  }
}

/**
 * Pairs every reading with the rules it falls under, grouped by rule and device. Only these readings
 * walk a rule's cursor, so readings a rule does not see never move it.
 */
export function groupByRuleAndDevice(
  rules: readonly Rule[],
  readings: readonly EvaluatedReading[],
  deviceTypes: DeviceTypes,
): EvaluationGroup[] {
  const groups = new Map<string, EvaluationGroup>();
  for (const reading of readings) {
    for (const rule of rules) {
      if (!ruleApplies(rule, reading, deviceTypes)) continue;
      const key = JSON.stringify([rule.id, reading.deviceId]);
      const group = groups.get(key) ?? { rule, deviceId: reading.deviceId, readings: [] };
      group.readings.push(reading);
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}
