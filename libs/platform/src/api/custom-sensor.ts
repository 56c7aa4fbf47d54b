import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { FieldViolation } from '../errors/field-violation.js';
import { CONTROL_CHARACTERS as CONTROL } from './control-characters.js';

/** The longest custom quantity name ("co2") a reading, a rule or a filter may carry. */
export const MAX_CUSTOM_SENSOR_LENGTH = 50;

/** Characters as people (and JSON Schema's maxLength) count them: code points, not UTF-16 units. */
function characterCount(text: string): number {
  // Each code point is one or two units, so a short enough text needs no counting.
  return text.length <= MAX_CUSTOM_SENSOR_LENGTH ? text.length : [...text].length;
}

/**
 * The problem of a custom quantity's name, if any, by one rule for every service (a name ingestion
 * accepts must never be refused further on): required for SENSOR_TYPE_CUSTOM (blank counts as
 * missing), refused for the other types, at most 50 characters (code points) and no control characters. `prefix`
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
  if (name.trim() === '') {
    // A filter is optional: a blank one is a mistake, not a missing name.
    return prefix === 'FIELD'
      ? problem('CUSTOM_SENSOR_FORMAT', 'must not be blank; leave it out for every custom quantity')
      : problem('CUSTOM_SENSOR_REQUIRED', 'required for SENSOR_TYPE_CUSTOM');
  }
  if (characterCount(name) > MAX_CUSTOM_SENSOR_LENGTH || CONTROL.test(name)) {
    return problem(
      'CUSTOM_SENSOR_FORMAT',
      `at most ${MAX_CUSTOM_SENSOR_LENGTH} characters, no control characters`,
    );
  }
  return undefined;
}
