import { z } from 'zod';
import { ValidationError } from '../errors/validation.error.js';
import { enumViolation } from './enums.js';
import { decodePageToken, encodePageToken, resolvePageSize } from './page-token.js';
import { readingIdentity } from './reading-identity.js';
import { millisFromTimestamp, timestampFromMillis } from './timestamps.js';
import { requireUpdateMask, withMaskedChanges } from './update-mask.js';

enum Color {
  COLOR_UNSPECIFIED = 0,
  COLOR_RED = 1,
  UNRECOGNIZED = -1,
}

describe('API helpers', () => {
  it('round-trips page tokens and rejects forged ones', () => {
    const schema = z.object({ after: z.string() });
    const query = ['ListDevices', { site: 'plant-1' }];
    expect(decodePageToken(encodePageToken({ after: 'dev-9' }, query), schema, query)).toEqual({
      after: 'dev-9',
    });
    expect(decodePageToken('', schema, query)).toBeUndefined();
    expect(() => decodePageToken('not-base64-json!', schema, query)).toThrow(ValidationError);
    expect(() => decodePageToken(encodePageToken({ other: 1 }, query), schema, query)).toThrow(
      ValidationError,
    );
    // Tied to its request: other filters, or another method, are refused.
    const token = encodePageToken({ after: 'dev-9' }, query);
    expect(() => decodePageToken(token, schema, ['ListDevices', { site: 'plant-2' }])).toThrow(
      /belongs to another query/,
    );
    expect(() => decodePageToken(token, schema, ['ListRules', { site: 'plant-1' }])).toThrow(ValidationError);
  });

  it('resolves page sizes', () => {
    expect(resolvePageSize(0)).toBe(50);
    expect(resolvePageSize(10)).toBe(10);
    expect(resolvePageSize(10_000)).toBe(500);
    expect(() => resolvePageSize(-1)).toThrow(ValidationError);
  });

  it('flags unspecified and unknown enum values', () => {
    expect(enumViolation('color', 1, Color)).toBeUndefined();
    expect(enumViolation('color', 0, Color)?.description).toBe('must be specified');
    expect(enumViolation('color', 0, Color, true)).toBeUndefined();
    expect(enumViolation('color', 7, Color)?.description).toBe('unknown value 7');
    expect(enumViolation('color', -1, Color)?.description).toBe('unknown value -1');
  });

  it('accepts update masks naming only updatable fields', () => {
    expect(requireUpdateMask(['name'], ['name', 'labels'] as const)).toEqual(['name']);
    expect(() => requireUpdateMask([], ['name'] as const)).toThrow(ValidationError);
    expect(() => requireUpdateMask(['name', 'id'], ['name'] as const)).toThrow('unknown: id');
  });

  it('takes only the fields a mask names from the changes, by their field names', () => {
    const stored = { ownerEmail: 'a@example.com', name: 'boiler', labels: { floor: '1' } };
    const changes = { ownerEmail: 'b@example.com', name: 'pump', labels: {} };
    const fieldOf = { owner_email: 'ownerEmail', name: 'name', labels: 'labels' } as const;
    expect(withMaskedChanges(stored, changes, ['owner_email'], fieldOf)).toEqual({
      ...stored,
      ownerEmail: 'b@example.com',
    });
    expect(withMaskedChanges(stored, changes, ['labels', 'name'], fieldOf)).toEqual({
      ...changes,
      ownerEmail: 'a@example.com',
    });
    expect(stored.ownerEmail).toBe('a@example.com');
  });

  it('tells readings apart by device and reading id together', () => {
    const identity = (deviceId: string, readingId: string) => readingIdentity({ deviceId, readingId });
    expect(identity('dev-a', 'r-1')).toBe(identity('dev-a', 'r-1'));
    expect(identity('dev-a', 'r-1')).not.toBe(identity('dev-b', 'r-1'));
    // Where the device id ends is part of the identity.
    expect(identity('ab', 'c')).not.toBe(identity('a', 'bc'));
  });

  it('converts timestamps', () => {
    expect(timestampFromMillis(1_700_000_000_123)).toEqual({ seconds: 1_700_000_000, nanos: 123_000_000 });
    expect(millisFromTimestamp({ seconds: 1_700_000_000, nanos: 123_999_999 })).toBe(1_700_000_000_123);
  });
});
