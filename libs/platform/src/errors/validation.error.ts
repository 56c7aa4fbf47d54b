import { DomainError } from './domain-error.js';
import type { FieldViolation } from './field-violation.js';

/** The request is malformed; every offending field is listed. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid-argument' as const;

  constructor(
    readonly violations: readonly FieldViolation[],
    code = 'REQUEST.INVALID',
    metadata: Readonly<Record<string, string>> = {},
  ) {
    super(
      code,
      violations.map((v) => `${v.field}: ${v.description}`).join('; ') || 'invalid request',
      metadata,
    );
  }
}
