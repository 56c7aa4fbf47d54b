import type { FieldViolation } from '../errors/field-violation.js';
import { ValidationError } from '../errors/validation.error.js';
import { CONTROL_CHARACTERS } from './control-characters.js';
import { characterCount, isBlank } from './visible-text.js';

export const fieldViolation = (field: string, reason: string, description: string): FieldViolation => ({
  field,
  reason,
  description,
});

export interface TextRule {
  /** A blank value (empty, or only spaces and invisible characters: isBlank) is FIELD.REQUIRED. Default true. */
  required?: boolean;
  /** The characters the value must not hold. Default CONTROL_CHARACTERS (single-line text). */
  control?: RegExp;
}

/** Refuses an empty resource id, naming the field as the request spells it (`id`, `device_id`). */
export function requireId(id: string, field = 'id'): void {
  if (id === '') throw new ValidationError([fieldViolation(field, 'FIELD.REQUIRED', 'must not be empty')]);
}

/** A free-text field: at most `max` characters (code points), none of `control`, and not blank when required. */
export function textViolations(
  field: string,
  value: string,
  max: number,
  { required = true, control = CONTROL_CHARACTERS }: TextRule = {},
): FieldViolation[] {
  if (required && isBlank(value)) return [fieldViolation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (characterCount(value) > max)
    return [fieldViolation(field, 'FIELD.TOO_LONG', `must be at most ${max} characters`)];
  if (control.test(value))
    return [fieldViolation(field, 'FIELD.CONTROL_CHARACTERS', 'must not contain control characters')];
  return [];
}

/** The keys of every string map the platform stores (device labels, notification attributes). */
export const MAP_KEY = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;
export const MAP_KEY_RULE =
  'keys are 1-63 lowercase letters, digits, "_", "." or "-", starting and ending with a letter or digit';

export interface StringMapRule {
  maxEntries: number;
  maxValueLength: number;
  /** The reasons' prefix: `LABELS` gives LABELS.TOO_MANY and LABELS.KEY_FORMAT. */
  reasonPrefix: string;
}

/** A map of short strings: at most `maxEntries`, keys per MAP_KEY, values one line of text each. */
export function stringMapViolations(
  field: string,
  map: Readonly<Record<string, string>>,
  { maxEntries, maxValueLength, reasonPrefix }: StringMapRule,
): FieldViolation[] {
  const entries = Object.entries(map);
  if (entries.length > maxEntries)
    return [fieldViolation(field, `${reasonPrefix}.TOO_MANY`, `at most ${maxEntries} ${field}`)];
  return entries.flatMap(([key, value]) => [
    ...(MAP_KEY.test(key)
      ? []
      : [fieldViolation(`${field}.${key}`, `${reasonPrefix}.KEY_FORMAT`, MAP_KEY_RULE)]),
    ...textViolations(`${field}.${key}`, value, maxValueLength, { required: false }),
  ]);
}
