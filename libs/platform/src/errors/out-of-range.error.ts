import { DomainError } from './domain-error.js';

/** A position past the end of what exists (a resume point ahead of the newest event). */
export class OutOfRangeError extends DomainError {
  readonly kind = 'out-of-range' as const;
}
