import { apiKeyFrom, bearerToken } from './credentials.js';

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
});
