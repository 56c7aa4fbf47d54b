import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { FieldViolation } from '../errors/field-violation.js';

/** The longest custom quantity name ("co2") a reading, a rule or a filter may carry. */
export const MAX_CUSTOM_SENSOR_LENGTH = 50;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The problem of a custom quantity's name, if any, by one rule for every service (a name ingestion
 * accepts must never be refused further on): required for SENSOR_TYPE_CUSTOM (blank counts as
 * missing), refused for the other types, at most 50 characters and no control characters. `prefix`
 * starts the reasons: READING for a reading's name, RULE for a rule's, FIELD for a query filter's.
 */
export function customSensorViolation(
  field: string,
  sensorType: SensorType,
  name: string,
  prefix: 'READING' | 'RULE' | 'FIELD',
): FieldViolation | undefined {
  const problem = (reason: string, description: string) => ({
    field,
    reason: `${prefix}.${reason}`,
    description,
  });
  if (sensorType !== SensorType.SENSOR_TYPE_CUSTOM) {
    return name === '' ? undefined : problem('CUSTOM_SENSOR_UNEXPECTED', 'only for SENSOR_TYPE_CUSTOM');
  }
  if (name.trim() === '') return problem('CUSTOM_SENSOR_REQUIRED', 'required for SENSOR_TYPE_CUSTOM');
  if (name.length > MAX_CUSTOM_SENSOR_LENGTH || CONTROL.test(name)) {
    return problem(
      'CUSTOM_SENSOR_FORMAT',
      `at most ${MAX_CUSTOM_SENSOR_LENGTH} characters, no control characters`,
    );
  }
  return undefined;
}
