import type { FieldViolation } from '../errors/field-violation.js';

/**
 * Checks a proto enum value received on the wire: unknown numbers (from newer clients or garbage)
 * and the _UNSPECIFIED zero are violations unless `allowUnspecified`.
 */
export function enumViolation(
  field: string,
  value: number,
  allowed: Readonly<Record<string, string | number>>,
  allowUnspecified = false,
): FieldViolation | undefined {
  // ts-proto adds UNRECOGNIZED = -1, which is never a valid value on the wire.
  const known = value >= 0 && Object.values(allowed).includes(value);
  if (known && (value !== 0 || allowUnspecified)) return undefined;
  return {
    field,
    reason: 'ENUM.INVALID',
    description: value === 0 ? 'must be specified' : `unknown value ${value}`,
  };
}
