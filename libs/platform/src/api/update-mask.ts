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

/**
 * `current` with the fields the mask names taken from `changes`, the others as stored (AIP-134);
 * `fieldOf` says which field each path of the mask is.
 */
export function withMaskedChanges<T extends object, P extends string>(
  current: T,
  changes: T,
  paths: readonly P[],
  fieldOf: Readonly<Record<P, keyof T>>,
): T {
  const updated = { ...current };
  for (const path of paths) updated[fieldOf[path]] = changes[fieldOf[path]];
  return updated;
}
