import { DomainError } from './domain-error.js';

/** The caller's credentials are missing or invalid. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}
