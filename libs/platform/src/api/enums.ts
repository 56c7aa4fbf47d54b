import type { FieldViolation } from '../errors/field-violation.js';

/** Each enum's numeric values, worked out once: the check runs for every reading. */
const numericValues = new WeakMap<object, ReadonlySet<number>>();
function valuesOf(allowed: Readonly<Record<string, string | number>>): ReadonlySet<number> {
  let values = numericValues.get(allowed);
  if (values === undefined) {
    values = new Set(Object.values(allowed).filter((v): v is number => typeof v === 'number'));
    numericValues.set(allowed, values);
  }
  return values;
}

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
  const known = value >= 0 && valuesOf(allowed).has(value);
  if (known && (value !== 0 || allowUnspecified)) return undefined;
  return {
    field,
    reason: 'ENUM.INVALID',
    description: value === 0 ? 'must be specified' : `unknown value ${value}`,
  };
}
