import { DomainError } from './domain-error.js';

/** A call that did not finish in time: it may or may not have taken effect. */
export class DeadlineExceededError extends DomainError {
  readonly kind = 'deadline-exceeded' as const;
}
