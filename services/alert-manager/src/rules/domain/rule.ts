import { isDeepStrictEqual } from 'node:util';
import { Operator, Severity } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

export { Operator, Severity };

/** Which devices a rule watches. */
export type RuleScope =
  | { kind: 'device'; deviceId: string }
  | { kind: 'device_type'; deviceType: SensorType }
  | { kind: 'all_devices' };

/** A threshold rule as the alert manager keeps it. Times are epoch milliseconds. */
export interface Rule {
  id: string;
  name: string;
  scope: RuleScope;
  sensorType: SensorType;
  /**
   * The custom quantity watched (e.g. "co2") when sensorType is SENSOR_TYPE_CUSTOM, else ''. A
   * CUSTOM rule stored before rules had one keeps '' and watches every custom quantity.
   */
  customSensor: string;
  operator: Operator;
  threshold: number;
  /** Upper bound, used by the range operators only. */
  thresholdHigh: number;
  forDurationMs: number;
  severity: Severity;
  hysteresis: number;
  enabled: boolean;
  createTime: number;
  updateTime: number;
}

/** What a client sets; the scope is undefined when the request named none (a violation). */
export type RuleFields = Omit<Rule, 'id' | 'createTime' | 'updateTime' | 'scope'> & {
  scope: RuleScope | undefined;
};

export const UPDATABLE_PATHS = [
  'name',
  'scope',
  'operator',
  'threshold',
  'threshold_high',
  'for_duration',
  'severity',
  'hysteresis',
  'enabled',
  'sensor_type',
  'custom_sensor',
] as const;
export type UpdatablePath = (typeof UPDATABLE_PATHS)[number];

export const MAX_FOR_DURATION_MS = 24 * 60 * 60 * 1000;

export const isRangeOperator = (operator: Operator): boolean =>
  operator === Operator.OPERATOR_OUTSIDE_RANGE || operator === Operator.OPERATOR_INSIDE_RANGE;

/** Whether two versions of a rule watch the same devices and sensor. */
export function sameTarget(a: Rule, b: Rule): boolean {
  return (
    a.sensorType === b.sensorType &&
    a.customSensor === b.customSensor &&
    JSON.stringify(a.scope) === JSON.stringify(b.scope)
  );
}

/**
 * Whether two versions of a rule judge readings alike: every field but the update time is the same
 * (an update that changed nothing judges as before).
 */
export function judgesAlike(a: Rule, b: Rule): boolean {
  return isDeepStrictEqual({ ...a, updateTime: 0 }, { ...b, updateTime: 0 });
}
