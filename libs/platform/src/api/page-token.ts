import { createHash } from 'node:crypto';
import { type z } from 'zod';
import { ValidationError } from '../errors/validation.error.js';

/** The page size of a List request that names none (0). */
export const DEFAULT_PAGE_SIZE = 50;
/** The most items one page of any List method holds; a larger page size is capped to it (AIP-158). */
export const MAX_PAGE_SIZE = 500;

/** Page size rules shared by every List method: 0 means the default, above the maximum is capped. */
export function resolvePageSize(
  requested: number,
  defaultSize = DEFAULT_PAGE_SIZE,
  maxSize = MAX_PAGE_SIZE,
): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw new ValidationError([
      { field: 'page_size', reason: 'PAGE_SIZE.INVALID', description: 'must be zero or a positive integer' },
    ]);
  }
  return requested === 0 ? defaultSize : Math.min(requested, maxSize);
}

/** A short digest of what a page token belongs to: the method and the filters of its request. */
const digestOf = (query: unknown) =>
  createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);

/**
 * An opaque page token: base64url JSON of the cursor, so clients cannot depend on its shape, tied to
 * `query` (the method and its filters, not the page size) as AIP-158 asks: a token sent back with
 * other filters, or to another method, is refused instead of paging through something else.
 */
export function encodePageToken(cursor: Record<string, string | number>, query: unknown): string {
  return Buffer.from(JSON.stringify({ ...cursor, q: digestOf(query) })).toString('base64url');
}

/**
 * Decodes a token made by encodePageToken for the same `query`; any other token is INVALID_ARGUMENT.
 * Empty means the first page.
 */
export function decodePageToken<T>(token: string, schema: z.ZodType<T>, query: unknown): T | undefined {
  if (token === '') return undefined;
  const invalid = (description: string) =>
    new ValidationError([{ field: 'page_token', reason: 'PAGE_TOKEN.INVALID', description }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a page token returned by this method');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw invalid('not a page token returned by this method');
  const { q, ...cursor } = parsed as Record<string, unknown>;
  if (q !== digestOf(query)) throw invalid('belongs to another query: send the same filters, or no token');
  const result = schema.safeParse(cursor);
  if (!result.success) throw invalid('not a page token returned by this method');
  return result.data;
}
