import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DEVICE_API_KEY_PATTERN } from '@iot-mesh/platform';

const HASH_BYTES = 32;

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export function generateApiKey(): ParsedApiKey & { plaintext: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, plaintext: `imk_${keyId}_${secret}` };
}

export function parseApiKey(plaintext: string): ParsedApiKey | undefined {
  const match = DEVICE_API_KEY_PATTERN.exec(plaintext);
  return match ? { keyId: match[1], secret: match[2] } : undefined;
}

/** What listings show of a key. */
export const keyPrefix = (plaintext: string) => plaintext.slice(0, 12);

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, HASH_BYTES, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** "scrypt$N$r$p$salt$hash": the parameters travel with the hash so the cost can be raised later. */
export async function hashSecret(secret: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, { N: cost, r: 8, p: 1 });
  return ['scrypt', cost, 8, 1, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(secret, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash no secret matches, verified against when the key id is unknown so timing reveals nothing. */
export const DECOY_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(HASH_BYTES, 1).toString('base64')}`;
