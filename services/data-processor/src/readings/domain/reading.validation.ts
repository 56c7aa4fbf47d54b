import {
  customSensorViolation,
  enumViolation,
  type FieldViolation,
  fieldViolation as violation,
} from '@iot-mesh/platform';
import type { Timestamp } from '@iot-mesh/proto/google/protobuf/timestamp';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

// The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;
const MAX_ID_LENGTH = 200;

function idViolations(field: string, id: string): FieldViolation[] {
  if (id === '') return [violation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (id.length > MAX_ID_LENGTH)
    return [violation(field, 'FIELD.TOO_LONG', `must be at most ${MAX_ID_LENGTH} characters`)];
  return [];
}

function timestampViolations(field: string, timestamp: Timestamp | undefined): FieldViolation[] {
  if (timestamp === undefined) return [violation(field, 'FIELD.REQUIRED', 'must be set')];
  const { seconds, nanos } = timestamp;
  const valid =
    Number.isInteger(seconds) &&
    seconds >= MIN_SECONDS &&
    seconds <= MAX_SECONDS &&
    Number.isInteger(nanos) &&
    nanos >= 0 &&
    nanos < 1_000_000_000;
  return valid ? [] : [violation(field, 'READING.TIMESTAMP', 'must be a valid point in time')];
}

/**
 * Every problem of one reading. Ingestion only forwards valid, normalised readings, so anything
 * reported here is a caller bug; checking anyway keeps garbage out of the aggregates.
 */
export function readingViolations(reading: Reading, index: number): FieldViolation[] {
  const at = (field: string) => `readings[${index}].${field}`;
  const sensorType = enumViolation(at('sensor_type'), reading.sensorType, SensorType);
  // Each custom quantity has windows of its own, so a reading must say which it is.
  const customSensor = customSensorViolation(
    at('custom_sensor'),
    reading.sensorType,
    reading.customSensor,
    'READING',
  );
  return [
    ...idViolations(at('reading_id'), reading.readingId),
    ...idViolations(at('device_id'), reading.deviceId),
    ...(sensorType ? [sensorType] : []),
    ...(customSensor ? [customSensor] : []),
    ...(Number.isFinite(reading.value)
      ? []
      : [violation(at('value'), 'READING.VALUE', 'must be a finite number')]),
    ...timestampViolations(at('timestamp'), reading.timestamp),
  ];
}

/** Every problem of every reading of a request, named by position. */
export function readingsViolations(readings: readonly Reading[]): FieldViolation[] {
  return readings.flatMap(readingViolations);
}
