/**
 * Every reason a reading can be rejected for (its first problem's), so the rejection counter can show
 * each at 0 from the start: a series that first appears at 1 hides that rejection from rate() and
 * increase(). rejection-reasons.spec.ts checks the list against what the checks produce.
 */
export const READING_REJECTION_REASONS = [
  'READING.ID_REQUIRED',
  'READING.ID_FORMAT',
  'READING.DEVICE_REQUIRED',
  'READING.DEVICE_FORMAT',
  'ENUM.INVALID',
  'READING.CUSTOM_SENSOR_REQUIRED',
  'READING.CUSTOM_SENSOR_UNEXPECTED',
  'READING.CUSTOM_SENSOR_FORMAT',
  'READING.NOT_FINITE',
  'READING.UNIT_FORMAT',
  'READING.UNIT_UNKNOWN',
  'READING.OUT_OF_RANGE',
  'READING.TIMESTAMP_REQUIRED',
  'READING.TIMESTAMP_INVALID',
  'READING.TIMESTAMP_IN_FUTURE',
  'READING.TIMESTAMP_TOO_OLD',
  'READING.DUPLICATE_IN_BATCH',
  'DEVICE.UNKNOWN',
  'DEVICE.INACTIVE',
] as const;
