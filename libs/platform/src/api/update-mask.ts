import { ValidationError } from '../errors/validation.error.js';

/**
 * An Update method's field mask must name at least one field, and only fields that may change
 * (AIP-134); the paths are narrowed to the allowed ones for the caller.
 */
export function requireUpdateMask<P extends string>(paths: readonly string[], allowed: readonly P[]): P[] {
  const unknown = paths.filter((path) => !(allowed as readonly string[]).includes(path));
  if (paths.length === 0 || unknown.length > 0) {
    throw new ValidationError([
      {
        field: 'update_mask',
        reason: 'UPDATE_MASK.INVALID',
        description: `list the fields to change, among: ${allowed.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      },
    ]);
  }
  return paths as P[];
}
