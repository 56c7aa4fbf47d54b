/** A release step that cannot run in the state the release is in (exit 1, not a usage error). */
export class ReleaseStateError extends Error {
  override readonly name = 'ReleaseStateError';
}
