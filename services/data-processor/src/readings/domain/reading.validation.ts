import {
  customSensorViolation,
  enumViolation,
  type FieldViolation,
  fieldViolation as violation,
} from '@iot-mesh/platform';
import type { Timestamp } from '@iot-mesh/proto/google/protobuf/timestamp';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { timestampViolation } from '../../timestamp.validation.js';

const MAX_ID_LENGTH = 200;

function idViolations(field: string, id: string): FieldViolation[] {
  if (id === '') return [violation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (id.length > MAX_ID_LENGTH)
    return [violation(field, 'FIELD.TOO_LONG', `must be at most ${MAX_ID_LENGTH} characters`)];
  return [];
}

function timestampViolations(field: string, timestamp: Timestamp | undefined): FieldViolation[] {
  if (timestamp === undefined) return [violation(field, 'FIELD.REQUIRED', 'must be set')];
  const problem = timestampViolation(field, timestamp, 'READING');
  return problem ? [problem] : [];
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
