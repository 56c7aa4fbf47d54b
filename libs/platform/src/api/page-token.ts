import { type z } from 'zod';
import { ValidationError } from '../errors/validation.error.js';

/** Page size rules shared by every List method: 0 means the default, above the maximum is capped. */
export function resolvePageSize(requested: number, defaultSize = 50, maxSize = 500): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw new ValidationError([
      { field: 'page_size', reason: 'PAGE_SIZE.INVALID', description: 'must be zero or a positive integer' },
    ]);
  }
  return requested === 0 ? defaultSize : Math.min(requested, maxSize);
}

/** An opaque page token: base64url JSON of the cursor, so clients cannot depend on its shape. */
export function encodePageToken(cursor: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Decodes a token made by encodePageToken; a token that is not one is INVALID_ARGUMENT. Empty means first page. */
export function decodePageToken<T>(token: string, schema: z.ZodType<T>): T | undefined {
  if (token === '') return undefined;
  const invalid = () =>
    new ValidationError([
      {
        field: 'page_token',
        reason: 'PAGE_TOKEN.INVALID',
        description: 'not a page token returned by this method',
      },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalid();
  return result.data;
}
