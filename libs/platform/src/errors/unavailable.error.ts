import { DomainError } from './domain-error.js';

/** A dependency cannot be reached right now; the call may be retried. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}
