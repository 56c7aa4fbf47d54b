import {
  customSensorViolation,
  enumViolation,
  type FieldViolation,
  fieldViolation as violation,
  readingsPerCallViolations,
  requiredTimestampViolations,
} from '@iot-mesh/platform';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

function readingViolations(reading: Reading, index: number): FieldViolation[] {
  const at = (field: string) => `readings[${index}].${field}`;
  const type = enumViolation(at('sensor_type'), reading.sensorType, SensorType);
  // Matched against rules' names as sent, so held to the rule ingestion holds it to.
  const custom = customSensorViolation(
    at('custom_sensor'),
    reading.sensorType,
    reading.customSensor,
    'READING',
  );
  return [
    ...(reading.readingId === '' ? [violation(at('reading_id'), 'FIELD.REQUIRED', 'must not be empty')] : []),
    ...(reading.deviceId === '' ? [violation(at('device_id'), 'FIELD.REQUIRED', 'must not be empty')] : []),
    ...(type ? [type] : []),
    ...(custom ? [custom] : []),
    ...(Number.isFinite(reading.value)
      ? []
      : [violation(at('value'), 'READING.NOT_FINITE', 'must be a finite number')]),
    // An alert takes its times from its readings: one out of google.protobuf.Timestamp's range could be
    // stored but never written as JSON (every REST page and SSE replay holding it would fail).
    ...requiredTimestampViolations(at('timestamp'), reading.timestamp, 'READING'),
  ];
}

/**
 * Readings reach the alert manager validated and normalised by ingestion; this is the defensive
 * check that keeps a broken caller from creating nonsense alerts.
 */
export function readingsViolations(readings: readonly Reading[]): FieldViolation[] {
  const tooMany = readingsPerCallViolations(readings.length);
  return tooMany.length > 0 ? tooMany : readings.flatMap(readingViolations);
}
