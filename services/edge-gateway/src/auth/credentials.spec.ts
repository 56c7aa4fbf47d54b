import { clientAddress } from './client-address.js';
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

  it('finds the client address of gRPC peers and trusted proxies only', () => {
    expect(clientAddress('ipv4:10.1.2.3:5555', headers({}), false)).toBe('10.1.2.3');
    expect(clientAddress('ipv6:[::1]:5555', headers({}), false)).toBe('::1');
    expect(clientAddress('10.0.0.9', headers({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' }), false)).toBe(
      '10.0.0.9',
    );
    expect(clientAddress('10.0.0.9', headers({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' }), true)).toBe(
      '1.2.3.4',
    );
  });
});
