import {
  customSensorViolation,
  enumViolation,
  millisFromTimestamp,
  READING_ID,
  type FieldViolation,
  CONTROL_CHARACTERS as CONTROL,
  fieldViolation as violation,
} from '@iot-mesh/platform';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import {
  acceptedUnits,
  CANONICAL_UNIT,
  isStandardSensorType,
  MAX_CUSTOM_UNIT_LENGTH,
  toCanonical,
  type StandardSensorType,
} from './units.js';

/** How far a reading's timestamp may stray from the ingestion clock. */
export interface TimeLimits {
  maxFutureSkewMs: number;
  maxReadingAgeMs: number;
}

const MAX_DEVICE_ID_LENGTH = 128;
// Custom quantities have no range of their own, but a window sums its values: near 1e308 two readings
// make the sum Infinity for good. Within ±1e100, no window of fewer than 1e200 readings can overflow.
const MAX_CUSTOM_MAGNITUDE = 1e100;

/** Valid range of each standard sensor type, in its canonical unit, bounds included. */
export const RANGES: Record<StandardSensorType, { min: number; max: number }> = {
  [SensorType.SENSOR_TYPE_TEMPERATURE]: { min: -90, max: 150 },
  [SensorType.SENSOR_TYPE_HUMIDITY]: { min: 0, max: 100 },
  [SensorType.SENSOR_TYPE_PRESSURE]: { min: 300, max: 1100 },
  [SensorType.SENSOR_TYPE_MOTION]: { min: 0, max: 1e6 },
};

/** The outcome for one reading: its problems, or the reading in canonical units. */
export type ReadingCheck = { ok: true; reading: Reading } | { ok: false; violations: FieldViolation[] };

function identityViolations(reading: Reading): FieldViolation[] {
  const found: FieldViolation[] = [];
  if (reading.readingId === '') {
    found.push(violation('reading_id', 'READING.ID_REQUIRED', 'must not be empty'));
  } else if (!READING_ID.test(reading.readingId)) {
    found.push(
      violation('reading_id', 'READING.ID_FORMAT', 'at most 128 characters: letters, digits and . _ : -'),
    );
  }
  if (reading.deviceId.trim() === '') {
    found.push(violation('device_id', 'READING.DEVICE_REQUIRED', 'must not be empty'));
  } else if (reading.deviceId.length > MAX_DEVICE_ID_LENGTH || CONTROL.test(reading.deviceId)) {
    found.push(
      violation('device_id', 'READING.DEVICE_FORMAT', 'at most 128 characters, no control characters'),
    );
  }
  return found;
}

function customSensorViolations(reading: Reading): FieldViolation[] {
  const problem = customSensorViolation('custom_sensor', reading.sensorType, reading.customSensor, 'READING');
  return problem ? [problem] : [];
}

function timestampViolations(reading: Reading, now: number, limits: TimeLimits): FieldViolation[] {
  const { timestamp } = reading;
  if (timestamp === undefined) return [violation('timestamp', 'READING.TIMESTAMP_REQUIRED', 'must be set')];
  if (!Number.isSafeInteger(timestamp.seconds) || timestamp.nanos < 0 || timestamp.nanos > 999_999_999) {
    return [violation('timestamp', 'READING.TIMESTAMP_INVALID', 'not a valid timestamp')];
  }
  const at = millisFromTimestamp(timestamp);
  if (at > now + limits.maxFutureSkewMs) {
    return [
      violation(
        'timestamp',
        'READING.TIMESTAMP_IN_FUTURE',
        `more than ${limits.maxFutureSkewMs} ms ahead of the server clock`,
      ),
    ];
  }
  if (at < now - limits.maxReadingAgeMs) {
    return [violation('timestamp', 'READING.TIMESTAMP_TOO_OLD', `older than ${limits.maxReadingAgeMs} ms`)];
  }
  return [];
}

/** Checks unit and range and returns the value in the canonical unit (custom: as sent). */
function measurement(reading: Reading): { violations: FieldViolation[]; value: number; unit: string } {
  const { sensorType: type, value, unit } = reading;
  if (!Number.isFinite(value)) {
    return { violations: [violation('value', 'READING.NOT_FINITE', 'must be a finite number')], value, unit };
  }
  if (type === SensorType.SENSOR_TYPE_CUSTOM) {
    const tooLong = unit.length > MAX_CUSTOM_UNIT_LENGTH || CONTROL.test(unit);
    const violations = [
      ...(tooLong
        ? [
            violation(
              'unit',
              'READING.UNIT_FORMAT',
              `at most ${MAX_CUSTOM_UNIT_LENGTH} characters, no control characters`,
            ),
          ]
        : []),
      ...(Math.abs(value) > MAX_CUSTOM_MAGNITUDE
        ? [violation('value', 'READING.OUT_OF_RANGE', `a custom value is within ±${MAX_CUSTOM_MAGNITUDE}`)]
        : []),
    ];
    return { violations, value: value === 0 ? 0 : value, unit };
  }
  if (!isStandardSensorType(type)) return { violations: [], value, unit }; // the enum check reports it
  const canonical = toCanonical(type, value, unit);
  if (canonical === undefined) {
    const description = `unknown unit "${unit}" for this sensor type; use one of: ${acceptedUnits(type).join(', ')}`;
    return { violations: [violation('unit', 'READING.UNIT_UNKNOWN', description)], value, unit };
  }
  const { min, max } = RANGES[type];
  const violations =
    canonical >= min && canonical <= max
      ? []
      : [
          violation(
            'value',
            'READING.OUT_OF_RANGE',
            `${canonical} ${CANONICAL_UNIT[type]} is outside ${min}..${max} ${CANONICAL_UNIT[type]}`,
          ),
        ];
  return { violations, value: canonical, unit: CANONICAL_UNIT[type] };
}

/**
 * Every problem of one reading, so a device can fix them all at once; a valid reading comes back
 * normalised (canonical unit, -0 as 0). `now` is the ingestion clock in epoch milliseconds.
 */
export function checkReading(reading: Reading, now: number, limits: TimeLimits): ReadingCheck {
  const typeProblem = enumViolation('sensor_type', reading.sensorType, SensorType);
  const normalised = measurement(reading);
  const violations = [
    ...identityViolations(reading),
    ...(typeProblem ? [typeProblem] : []),
    ...customSensorViolations(reading),
    ...normalised.violations,
    ...timestampViolations(reading, now, limits),
  ];
  if (violations.length > 0) return { ok: false, violations };
  // Most readings arrive canonical already: they go on as they are. A copy of each lived until the
  // processor answered, and was a third of what ingestion's young collections kept under load.
  if (Object.is(normalised.value, reading.value) && normalised.unit === reading.unit) {
    return { ok: true, reading };
  }
  return { ok: true, reading: { ...reading, value: normalised.value, unit: normalised.unit } };
}
