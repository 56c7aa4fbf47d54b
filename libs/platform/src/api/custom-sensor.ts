import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { FieldViolation } from '../errors/field-violation.js';
import { CONTROL_CHARACTERS as CONTROL } from './control-characters.js';
import { characterCount, isBlank } from './visible-text.js';

/** The longest custom quantity name ("co2") a reading, a rule or a filter may carry. */
export const MAX_CUSTOM_SENSOR_LENGTH = 50;

/**
 * The problem of a custom quantity's name, if any, by one rule for every service (a name ingestion
 * accepts must never be refused further on): required for SENSOR_TYPE_CUSTOM (blank counts as
 * missing), refused for the other types, at most 50 characters (code points) and no control characters. `prefix`
 * starts the reasons, by the resource the name belongs to or filters, so one API gives one reason for one
 * mistake: READING, RULE (a rule's name and the rules list's filter), FIELD (the aggregates' filter).
 * `filter`: the name filters a list, so a blank one is a mistake in the filter, not a missing name.
 */
export function customSensorViolation(
  field: string,
  sensorType: SensorType,
  name: string,
  prefix: 'READING' | 'RULE' | 'FIELD',
  { filter = prefix === 'FIELD' }: { filter?: boolean } = {},
): FieldViolation | undefined {
  const problem = (reason: string, description: string) => ({
    field,
    reason: `${prefix}.${reason}`,
    description,
  });
  if (sensorType !== SensorType.SENSOR_TYPE_CUSTOM) {
    return name === '' ? undefined : problem('CUSTOM_SENSOR_UNEXPECTED', 'only for SENSOR_TYPE_CUSTOM');
  }
  if (isBlank(name)) {
    return filter
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
