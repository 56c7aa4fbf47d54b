import type { FieldViolation } from '../errors/field-violation.js';
import { fieldViolation } from './field-rules.js';
import type { Timestamp } from '@iot-mesh/proto/google/protobuf/timestamp';

// The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/**
 * The problem of a timestamp that is no valid google.protobuf.Timestamp (seconds out of its range,
 * nanos outside 0..999,999,999, or not whole numbers), reported with `prefix` as the reason's domain.
 */
export function timestampViolation(
  field: string,
  timestamp: Timestamp,
  prefix: 'READING' | 'FIELD',
): FieldViolation | undefined {
  const { seconds, nanos } = timestamp;
  const valid =
    Number.isInteger(seconds) &&
    seconds >= MIN_SECONDS &&
    seconds <= MAX_SECONDS &&
    Number.isInteger(nanos) &&
    nanos >= 0 &&
    nanos < 1_000_000_000;
  return valid ? undefined : fieldViolation(field, `${prefix}.TIMESTAMP`, 'must be a valid point in time');
}

/** The problems of a timestamp a message must carry: missing (FIELD.REQUIRED), or as timestampViolation. */
export function requiredTimestampViolations(
  field: string,
  timestamp: Timestamp | undefined,
  prefix: 'READING' | 'FIELD',
): FieldViolation[] {
  if (timestamp === undefined) return [fieldViolation(field, 'FIELD.REQUIRED', 'must be set')];
  const problem = timestampViolation(field, timestamp, prefix);
  return problem ? [problem] : [];
}
