import { DomainError } from './domain-error.js';

/** The caller is known but may not do this. */
export class PermissionDeniedError extends DomainError {
  readonly kind = 'permission-denied' as const;
}
