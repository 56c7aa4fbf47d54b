import { optionalTimestamp, timestampFromMillis } from '@iot-mesh/platform';
import type { Duration } from '@iot-mesh/proto/google/protobuf/duration';
import type {
  Rule as RuleMessage,
  RuleScope as RuleScopeMessage,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { Rule, RuleFields, RuleScope } from './domain/rule.js';

/** Milliseconds of a Duration; NaN for one that is not well formed (caught by validation). */
export function millisFromDuration(duration: Duration | undefined): number {
  if (!duration) return 0;
  const { seconds, nanos } = duration;
  if (Math.abs(nanos) > 999_999_999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) return NaN;
  // Rules keep milliseconds: a finer duration would be cut (1 ns to 0, firing at once), so it is refused.
  if (nanos % 1_000_000 !== 0) return NaN;
  return seconds * 1000 + nanos / 1_000_000;
}

const durationFromMillis = (ms: number): Duration => ({
  seconds: Math.floor(ms / 1000),
  nanos: (ms % 1000) * 1_000_000,
});

function scopeFromMessage(scope: RuleScopeMessage | undefined): RuleScope | undefined {
  if (scope?.deviceId !== undefined) return { kind: 'device', deviceId: scope.deviceId };
  if (scope?.deviceType !== undefined) return { kind: 'device_type', deviceType: scope.deviceType };
  if (scope?.allDevices === true) return { kind: 'all_devices' };
  return undefined;
}

function scopeToMessage(scope: RuleScope): RuleScopeMessage {
  if (scope.kind === 'device') return { deviceId: scope.deviceId };
  if (scope.kind === 'device_type') return { deviceType: scope.deviceType };
  return { allDevices: true };
}

/** API message → the fields a client may set (absent values become empty ones). */
export function ruleFieldsFromMessage(message: RuleMessage | undefined): RuleFields {
  return {
    name: message?.name ?? '',
    scope: scopeFromMessage(message?.scope),
    sensorType: message?.sensorType ?? 0,
    customSensor: message?.customSensor ?? '',
    operator: message?.operator ?? 0,
    threshold: message?.threshold ?? 0,
    thresholdHigh: message?.thresholdHigh ?? 0,
    forDurationMs: millisFromDuration(message?.forDuration),
    severity: message?.severity ?? 0,
    hysteresis: message?.hysteresis ?? 0,
    enabled: message?.enabled ?? false,
  };
}

/** Domain rule → API message. */
export function toRuleMessage(rule: Rule): RuleMessage {
  return {
    id: rule.id,
    name: rule.name,
    scope: scopeToMessage(rule.scope),
    sensorType: rule.sensorType,
    customSensor: rule.customSensor,
    operator: rule.operator,
    threshold: rule.threshold,
    thresholdHigh: rule.thresholdHigh,
    forDuration: durationFromMillis(rule.forDurationMs),
    severity: rule.severity,
    hysteresis: rule.hysteresis,
    enabled: rule.enabled,
    createTime: timestampFromMillis(rule.createTime),
    updateTime: optionalTimestamp(rule.updateTime),
  };
}
