import { bounded, boundedMetadata, ERROR_TEXT_BOUNDS } from './error-text-bounds.js';

/** What went wrong, independent of any transport; the exception filter maps it to a gRPC status. */
export type DomainErrorKind =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'out-of-range'
  | 'deadline-exceeded'
  | 'unauthenticated'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'unavailable';

/**
 * Base of every domain error. `code` is a stable machine-readable string such as
 * 'DEVICE.NOT_FOUND'; `metadata` adds context (ids, limits) without leaking internals.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly metadata: Readonly<Record<string, string>>;

  /** The message and metadata are bounded (ERROR_TEXT_BOUNDS): they may echo what a caller sent. */
  constructor(
    readonly code: string,
    message: string,
    metadata: Readonly<Record<string, string>> = {},
  ) {
    super(bounded(message, ERROR_TEXT_BOUNDS.message));
    this.name = new.target.name;
    this.metadata = boundedMetadata(metadata);
  }
}
