import { DomainError } from './domain-error.js';

/** The resource is not in a state that allows the operation. */
export class FailedPreconditionError extends DomainError {
  readonly kind = 'failed-precondition' as const;
}
