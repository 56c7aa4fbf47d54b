import type { FieldViolation } from '../errors/field-violation.js';

/** A ts-proto field name (`deviceId`) as the proto and the services' field violations spell it (`device_id`). */
const protoName = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The path of the first string in a decoded message that holds U+0000, as the services name fields
 * (`filter.device_id`, `readings[2].reading_id`, `labels.site`); a map key holding it is named by
 * its map. Walks the whole message, so it is asked only once the reader saw such a string.
 */
export function nulTextField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulTextField(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, field] of Object.entries(value)) {
    if (key.includes('\0')) return path;
    const found = nulTextField(field, path === '' ? protoName(key) : `${path}.${protoName(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why such a request is refused: PostgreSQL cannot store U+0000 in text, and no field of the API needs it. */
export const nulTextViolation = (field: string): FieldViolation => ({
  field,
  reason: 'FIELD.NUL_CHARACTER',
  description: 'must not contain the character U+0000 (NUL)',
});
