import { DomainError } from './domain-error.js';

/** A resource with the same identity already exists. */
export class AlreadyExistsError extends DomainError {
  readonly kind = 'already-exists' as const;
}
