import {
  customSensorViolation,
  deviceIdViolations,
  enumViolation,
  type FieldViolation,
  fieldViolation as violation,
  readingsPerCallViolations,
  requiredTimestampViolations,
} from '@iot-mesh/platform';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const MAX_ID_LENGTH = 200;

function idViolations(field: string, id: string): FieldViolation[] {
  if (id === '') return [violation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (id.length > MAX_ID_LENGTH)
    return [violation(field, 'FIELD.TOO_LONG', `must be at most ${MAX_ID_LENGTH} characters`)];
  return [];
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
    // Its windows are listed as the device's aggregates: only a device id can be one.
    ...(reading.deviceId === ''
      ? [violation(at('device_id'), 'FIELD.REQUIRED', 'must not be empty')]
      : deviceIdViolations(reading.deviceId, at('device_id'), 'READING.DEVICE_ID')),
    ...(sensorType ? [sensorType] : []),
    ...(customSensor ? [customSensor] : []),
    ...(Number.isFinite(reading.value)
      ? []
      : [violation(at('value'), 'READING.VALUE', 'must be a finite number')]),
    ...requiredTimestampViolations(at('timestamp'), reading.timestamp, 'READING'),
  ];
}

/** Every problem of every reading of a request, named by position; or that it carries too many. */
export function readingsViolations(readings: readonly Reading[]): FieldViolation[] {
  const tooMany = readingsPerCallViolations(readings.length);
  return tooMany.length > 0 ? tooMany : readings.flatMap(readingViolations);
}
