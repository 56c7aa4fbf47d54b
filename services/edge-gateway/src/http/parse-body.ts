import { ValidationError } from '@iot-mesh/platform';
import type { z } from 'zod';

/** A zod issue's path as a JSON field path: `readings[0].customSensor`, as the services' paths read. */
const jsonPath = (path: readonly PropertyKey[]) =>
  path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');

/**
 * What a JSON number past a double's range (1e309) is told. JSON.parse reads it as Infinity, which zod
 * calls no number and the proto3 JSON mapping an infinite one; it is a number, only too large.
 */
export const BEYOND_DOUBLE_RANGE = `must be a finite number within ±${Number.MAX_VALUE} (a double)`;

/** Whether a zod issue is about a number that JSON.parse read as ±Infinity. */
export const isInfiniteNumber = (issue: { input?: unknown }) =>
  issue.input === Infinity || issue.input === -Infinity;

/**
 * Validates a JSON body (or query) against a schema; every problem becomes a field violation. No body
 * at all reads as `{}`; a body of `null` is not an object and is refused like any other non-object.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  // A missing field says so, rather than zod's "expected string, received undefined".
  const result = schema.safeParse(input === undefined ? {} : input, {
    error: (issue) =>
      issue.input === undefined ? 'required' : isInfiniteNumber(issue) ? BEYOND_DOUBLE_RANGE : undefined,
  });
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? jsonPath(issue.path) : where,
      reason: issue.code === 'unrecognized_keys' ? 'FIELD.UNKNOWN' : 'FIELD.INVALID',
      description: issue.message,
    })),
    'REQUEST.INVALID',
  );
}
