/**
 * Bound on the values of one statement's IN list or VALUES rows, well below the parameter limits of
 * SQLite and PostgreSQL.
 */
export const STATEMENT_CHUNK = 500;

/** `items` in consecutive slices of at most `size`, for statements that take many values. */
export function chunked<T>(items: readonly T[], size = STATEMENT_CHUNK): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
