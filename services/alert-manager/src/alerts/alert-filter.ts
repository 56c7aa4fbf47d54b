import { enumViolation, ValidationError } from '@iot-mesh/platform';
import type { AlertFilter as AlertFilterMessage } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { AlertFilter } from '../infrastructure/alert-store.port.js';
import { Severity } from '../rules/domain/rule.js';
import { AlertState, type Alert } from './domain/alert.js';

/** The request's filter with unset fields dropped; unknown enum values are INVALID_ARGUMENT. */
export function alertFilterFromMessage(message: AlertFilterMessage | undefined): AlertFilter {
  const problems = [
    enumViolation('filter.state', message?.state ?? 0, AlertState, true),
    enumViolation('filter.severity', message?.severity ?? 0, Severity, true),
  ].filter((v) => v !== undefined);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    state: message?.state || undefined,
    severity: message?.severity || undefined,
    deviceId: message?.deviceId || undefined,
    ruleId: message?.ruleId || undefined,
  };
}

/** The same filter applied to an alert in memory (live events). */
export function matchesFilter(alert: Alert, filter: AlertFilter): boolean {
  return (
    (filter.state === undefined || alert.state === filter.state) &&
    (filter.severity === undefined || alert.severity === filter.severity) &&
    (filter.deviceId === undefined || alert.deviceId === filter.deviceId) &&
    (filter.ruleId === undefined || alert.ruleId === filter.ruleId)
  );
}
