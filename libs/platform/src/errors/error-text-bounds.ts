import type { FieldViolation } from './field-violation.js';

/**
 * How much text an error may carry. Errors travel in gRPC trailers, which are HTTP/2 headers: a value
 * echoed from a request (a 40,000-character unit, say) made a 117 KB header block no client would
 * decode, and the client then failed every call on that connection. Bounded, an error's trailers stay
 * under 10 KB of ASCII text whatever the request held.
 */
export const ERROR_TEXT_BOUNDS = {
  message: 500,
  metadataValue: 200,
  violations: 20,
  field: 100,
  description: 200,
} as const;

/** `text` cut to at most `max` characters, the cut marked with an ellipsis. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Each metadata value bounded. */
export function boundedMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, bounded(value, ERROR_TEXT_BOUNDS.metadataValue)]),
  );
}

/** The first violations, each one's field and description bounded. */
export function boundedViolations(violations: readonly FieldViolation[]): FieldViolation[] {
  return violations.slice(0, ERROR_TEXT_BOUNDS.violations).map(({ field, reason, description }) => ({
    field: bounded(field, ERROR_TEXT_BOUNDS.field),
    reason,
    description: bounded(description, ERROR_TEXT_BOUNDS.description),
  }));
}
