import { DomainError } from './domain-error.js';

/** A quota or rate limit was hit; `retryAfterMs` tells the caller when to come back. */
export class ResourceExhaustedError extends DomainError {
  readonly kind = 'resource-exhausted' as const;

  constructor(
    code: string,
    message: string,
    readonly retryAfterMs?: number,
    metadata: Readonly<Record<string, string>> = {},
  ) {
    super(code, message, metadata);
  }
}
