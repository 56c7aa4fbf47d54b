import { DomainError } from './domain-error.js';

/** The addressed resource does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}
