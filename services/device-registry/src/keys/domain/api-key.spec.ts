import { DECOY_HASH, generateApiKey, hashSecret, keyPrefix, parseApiKey, verifySecret } from './api-key.js';

describe('API keys', () => {
  it('generates keys that parse back into id and secret', () => {
    const key = generateApiKey();
    expect(key.plaintext).toMatch(/^imk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key.plaintext)).toEqual({ keyId: key.keyId, secret: key.secret });
    expect(keyPrefix(key.plaintext)).toBe(key.plaintext.slice(0, 12));
    expect(generateApiKey().plaintext).not.toBe(key.plaintext);
  });

  it.each([
    '',
    'imk_',
    'Bearer imk_0123456789abcdef_x',
    `imk_0123456789ABCDEF_${'a'.repeat(43)}`,
    `imk_0123456789abcdef_${'a'.repeat(42)}`,
  ])('rejects malformed key %j', (text) => expect(parseApiKey(text)).toBeUndefined());

  it('stores a salted hash that verifies only the right secret', async () => {
    const { secret } = generateApiKey();
    const first = await hashSecret(secret, 1024);
    const second = await hashSecret(secret, 1024);
    expect(first).not.toContain(secret);
    expect(first).not.toBe(second); // salted
    expect(first.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifySecret(secret, first)).resolves.toBe(true);
    await expect(verifySecret(`${secret.slice(0, -1)}x`, first)).resolves.toBe(false);
    await expect(verifySecret(secret, DECOY_HASH)).resolves.toBe(false);
    await expect(verifySecret(secret, 'plain-text')).resolves.toBe(false);
  });
});
