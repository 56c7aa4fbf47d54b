import { customSensorViolation, enumViolation, ValidationError } from '@iot-mesh/platform';
import type { ListRulesRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { RuleFilter } from '../infrastructure/alert-store.port.js';

/** The request's filters with unset ones dropped; a custom quantity needs sensor_type CUSTOM. */
export function ruleFilterFromRequest(request: ListRulesRequest): RuleFilter {
  const { sensorType, customSensor } = request;
  const problems = [
    enumViolation('sensor_type', sensorType, SensorType, true),
    // An empty name filters nothing, so only a given one is checked.
    customSensor === ''
      ? undefined
      : customSensorViolation('custom_sensor', sensorType, customSensor, 'RULE', { filter: true }),
  ].filter((v) => v !== undefined);
  if (problems.length > 0) throw new ValidationError(problems);
  return { sensorType: sensorType || undefined, customSensor: customSensor || undefined };
}
