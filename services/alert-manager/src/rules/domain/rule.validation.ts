import {
  customSensorViolation,
  deviceIdViolations,
  enumViolation,
  type FieldViolation,
  fieldViolation as violation,
  isBlank,
  textViolations,
} from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import {
  isRangeOperator,
  MAX_FOR_DURATION_MS,
  Operator,
  Severity,
  type RuleFields,
  type RuleScope,
} from './rule.js';

const MAX_NAME = 100;

function scopeViolations(scope: RuleScope | undefined): FieldViolation[] {
  if (scope === undefined) {
    return [
      violation('scope', 'RULE.SCOPE_REQUIRED', 'set one of device_id, device_type or all_devices: true'),
    ];
  }
  if (scope.kind === 'device') {
    const id = scope.deviceId;
    if (isBlank(id)) return [violation('scope.device_id', 'FIELD.REQUIRED', 'must not be empty')];
    // Only a device id can ever match a reading: a rule scoped to other text would never fire.
    return deviceIdViolations(id, 'scope.device_id', 'RULE.DEVICE_ID');
  }
  if (scope.kind === 'device_type') {
    const problem = enumViolation('scope.device_type', scope.deviceType, SensorType);
    if (problem) return [problem];
  }
  return [];
}

function numberViolation(field: string, value: number): FieldViolation[] {
  return Number.isFinite(value) ? [] : [violation(field, 'FIELD.NOT_FINITE', 'must be a finite number')];
}

function thresholdViolations(fields: RuleFields): FieldViolation[] {
  const found = [
    ...numberViolation('threshold', fields.threshold),
    ...numberViolation('threshold_high', fields.thresholdHigh),
  ];
  if (found.length > 0 || !isRangeOperator(fields.operator)) return found;
  if (fields.threshold >= fields.thresholdHigh) {
    return [violation('threshold_high', 'RULE.RANGE', 'must be greater than threshold for range operators')];
  }
  return [];
}

function hysteresisViolations(fields: RuleFields): FieldViolation[] {
  const { hysteresis } = fields;
  if (!Number.isFinite(hysteresis) || hysteresis < 0) {
    return [violation('hysteresis', 'RULE.HYSTERESIS', 'must be a finite number >= 0')];
  }
  // Outside a range the value must get back inside by the margin from both ends; a margin of half
  // the range or more could never be met and the alert would never resolve.
  const width = fields.thresholdHigh - fields.threshold;
  if (fields.operator === Operator.OPERATOR_OUTSIDE_RANGE && width > 0 && 2 * hysteresis >= width) {
    return [
      violation('hysteresis', 'RULE.HYSTERESIS', 'must be less than half of threshold_high - threshold'),
    ];
  }
  return [];
}

function durationViolations(ms: number): FieldViolation[] {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_FOR_DURATION_MS
    ? []
    : [violation('for_duration', 'RULE.FOR_DURATION', 'must be whole milliseconds between 0 and 24h')];
}

/** Every problem of a rule's fields, so the caller can fix them all at once. */
export function ruleFieldViolations(fields: RuleFields): FieldViolation[] {
  const enumsAndSensor = [
    enumViolation('sensor_type', fields.sensorType, SensorType),
    customSensorViolation('custom_sensor', fields.sensorType, fields.customSensor, 'RULE'),
    enumViolation('operator', fields.operator, Operator),
    enumViolation('severity', fields.severity, Severity),
  ].filter((v) => v !== undefined);
  return [
    ...textViolations('name', fields.name, MAX_NAME),
    ...scopeViolations(fields.scope),
    ...enumsAndSensor,
    ...thresholdViolations(fields),
    ...durationViolations(fields.forDurationMs),
    ...hysteresisViolations(fields),
  ];
}
