import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Operator, type Rule } from '../../rules/domain/rule.js';

const SYMBOLS: Partial<Record<Operator, string>> = {
  [Operator.OPERATOR_GREATER_THAN]: '>',
  [Operator.OPERATOR_GREATER_OR_EQUAL]: '>=',
  [Operator.OPERATOR_LESS_THAN]: '<',
  [Operator.OPERATOR_LESS_OR_EQUAL]: '<=',
};

/** A custom rule's own quantity ("co2"), else the sensor type's ("temperature"; "custom" if unnamed). */
const quantity = (rule: Rule): string =>
  rule.customSensor || (SensorType[rule.sensorType] ?? 'value').replace('SENSOR_TYPE_', '').toLowerCase();

/**
 * One line a person understands, e.g. "Boiler too hot: temperature > 30 on boiler-1" or
 * "Stuffy: co2 > 1000 on room-1".
 */
export function summarize(rule: Rule, deviceId: string): string {
  const condition =
    rule.operator === Operator.OPERATOR_OUTSIDE_RANGE
      ? `outside [${rule.threshold}, ${rule.thresholdHigh}]`
      : rule.operator === Operator.OPERATOR_INSIDE_RANGE
        ? `inside [${rule.threshold}, ${rule.thresholdHigh}]`
        : `${SYMBOLS[rule.operator] ?? '?'} ${rule.threshold}`;
  return `${rule.name}: ${quantity(rule)} ${condition} on ${deviceId}`;
}

/** The summary of an alert ended because its device was decommissioned, saying so. */
export const decommissionedSummary = (summary: string): string => `${summary} (device decommissioned)`;
