import { DomainError } from './domain-error.js';
import { boundedViolations } from './error-text-bounds.js';
import type { FieldViolation } from './field-violation.js';

/** The violations as an error message lists them: "field: description; field: description". */
export const listViolations = (violations: readonly FieldViolation[]): string =>
  violations.map((v) => `${v.field}: ${v.description}`).join('; ');

/** What the message says of the violations: each listed, and how many more there were. */
function summary(listed: readonly FieldViolation[], total: number): string {
  const text = listViolations(listed) || 'invalid request';
  return total > listed.length ? `${text}; and ${total - listed.length} more` : text;
}

/** The request is malformed; the offending fields are listed (the first ERROR_TEXT_BOUNDS.violations). */
export class ValidationError extends DomainError {
  readonly kind = 'invalid-argument' as const;
  readonly violations: readonly FieldViolation[];

  constructor(
    violations: readonly FieldViolation[],
    code = 'REQUEST.INVALID',
    metadata: Readonly<Record<string, string>> = {},
  ) {
    const listed = boundedViolations(violations);
    super(code, summary(listed, violations.length), metadata);
    this.violations = listed;
  }
}
