import type { FieldViolation } from '../errors/field-violation.js';
import { fieldViolation } from './field-rules.js';

/**
 * The most readings one call between services carries (DataProcessor.ProcessReadings,
 * AlertManager.EvaluateReadings): ingestion forwards, and the processor hands over, no more than the
 * next service takes, and each refuses more, so one call's cost stays bounded.
 */
export const MAX_READINGS_PER_CALL = 1000;

/** The violation of a request that carries more readings than MAX_READINGS_PER_CALL. */
export function readingsPerCallViolations(count: number): FieldViolation[] {
  return count > MAX_READINGS_PER_CALL
    ? [
        fieldViolation(
          'readings',
          'READINGS.TOO_MANY',
          `at most ${MAX_READINGS_PER_CALL} readings per request`,
        ),
      ]
    : [];
}
