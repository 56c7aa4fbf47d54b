import { ConcurrentChangeError } from './alert-store.port.js';

// SQLSTATEs of a transaction PostgreSQL rolled back for another's sake: deadlock_detected and
// serialization_failure. Nothing of it was applied, so it may simply run again.
const CONFLICT_SQLSTATES = new Set(['40P01', '40001']);

/** The error, or a ConcurrentChangeError (which use cases retry) when the database rolled the transaction back so. */
export function asConcurrentChange(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !CONFLICT_SQLSTATES.has(code)) return error;
  const conflict = new ConcurrentChangeError(`the database ended the transaction (SQLSTATE ${code})`);
  conflict.cause = error;
  return conflict;
}
