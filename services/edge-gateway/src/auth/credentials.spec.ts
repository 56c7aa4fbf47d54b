import { UnauthenticatedError } from '@iot-mesh/platform';
import { apiKeyFrom, bearerToken, refuseRepeatedAuthorization } from './credentials.js';

const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('credentials', () => {
  it('reads a device key from x-api-key or a bearer token', () => {
    expect(apiKeyFrom(headers({ 'x-api-key': ' imk_a ' }))).toBe('imk_a');
    expect(apiKeyFrom(headers({ authorization: 'Bearer imk_b' }))).toBe('imk_b');
    expect(apiKeyFrom(headers({ authorization: 'bearer imk_c' }))).toBe('imk_c');
    expect(apiKeyFrom(headers({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(bearerToken(headers({ authorization: 'Bearer two words' }))).toBeUndefined();
    expect(apiKeyFrom(headers({}))).toBeUndefined();
  });

  it('takes both headers carrying one key, and refuses two different keys instead of choosing one', () => {
    const key = (c: string) => `imk_0123456789abcdef_${c.repeat(43)}`;
    expect(apiKeyFrom(headers({ 'x-api-key': key('a'), authorization: `Bearer ${key('a')}` }))).toBe(
      key('a'),
    );
    for (const direct of [key('b'), 'garbage']) {
      const refusal = (() => {
        try {
          return apiKeyFrom(headers({ 'x-api-key': direct, authorization: `Bearer ${key('a')}` }));
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toBeInstanceOf(UnauthenticatedError);
      expect(refusal).toMatchObject({ code: 'AUTH.CONFLICTING_KEYS' });
    }
    // A bearer that is no key (an operator token) leaves the device key to x-api-key.
    expect(apiKeyFrom(headers({ 'x-api-key': key('a'), authorization: 'Bearer operator-token' }))).toBe(
      key('a'),
    );
  });

  it('refuse an x-api-key sent more than once, which arrives joined with a comma', () => {
    const key = `imk_0123456789abcdef_${'a'.repeat(43)}`;
    for (const joined of [`${key}, ${key}`, `${key},garbage`]) {
      expect(() => apiKeyFrom(headers({ 'x-api-key': joined }))).toThrow(
        expect.objectContaining({ code: 'AUTH.CONFLICTING_KEYS' }) as Error,
      );
    }
  });

  it('refuse Authorization sent more than once, in any spelling of its name', () => {
    expect(() => refuseRepeatedAuthorization(['Host', 'x', 'Authorization', 'Bearer a'])).not.toThrow();
    expect(() => refuseRepeatedAuthorization([])).not.toThrow();
    for (const second of ['Authorization', 'authorization', 'AUTHORIZATION']) {
      expect(() =>
        refuseRepeatedAuthorization(['Authorization', 'Bearer a', 'Host', 'x', second, 'Bearer a']),
      ).toThrow(expect.objectContaining({ code: 'AUTH.CONFLICTING_KEYS' }) as Error);
    }
    // A value that reads "authorization" is no header name.
    expect(() =>
      refuseRepeatedAuthorization(['Authorization', 'x', 'X-Note', 'authorization']),
    ).not.toThrow();
  });
});
