import { createHash, timingSafeEqual } from 'node:crypto';
import { growingLruCache } from '@iot-mesh/platform';
import type { LRUCache } from 'lru-cache';

export interface VerifiedSecretsSettings {
  /** How long a verified secret is recognised; 0 remembers nothing. */
  ttlMs: number;
  /** Most keys remembered; the least recently verified go first. */
  maxEntries: number;
}

/**
 * SHA-256 of the stored hash and the secret together: the secret is 256 random bits, so the digest gives
 * nothing away, and one string per key (about 200 bytes an entry with the cache's own, against 550 for
 * the digest and the stored hash apart) lets the cache hold a large fleet.
 */
const digestOf = (secret: string, secretHash: string) =>
  createHash('sha256').update(secretHash).update('\0').update(secret).digest('base64url');

/**
 * Secrets the registry verified with scrypt a short while ago. The gateway asks again for every key
 * each AUTH_CACHE_TTL_MS, and one scrypt run takes about 60 ms of a core at the default cost: with many
 * devices whose gateway entries expire together, those runs took both cores for the better part of a
 * second. A remembered secret counts only while its key's stored hash is the one it matched and for
 * `ttlMs`; the key's state is still read on every verification. The gateway asks for the fleet's keys
 * in turn, so fewer `maxEntries` than active keys means no key is ever found here.
 */
export class VerifiedSecrets {
  private readonly entries?: LRUCache<string, string>;

  constructor({ ttlMs, maxEntries }: VerifiedSecretsSettings) {
    if (ttlMs > 0) this.entries = growingLruCache(maxEntries, { ttl: ttlMs });
  }

  /** Whether `secret` was verified against `secretHash` (the key's stored hash) within the TTL. */
  matches(keyId: string, secret: string, secretHash: string): boolean {
    const remembered = this.entries?.get(keyId);
    if (remembered === undefined) return false;
    return timingSafeEqual(
      Buffer.from(digestOf(secret, secretHash), 'base64url'),
      Buffer.from(remembered, 'base64url'),
    );
  }

  remember(keyId: string, secret: string, secretHash: string): void {
    this.entries?.set(keyId, digestOf(secret, secretHash));
  }
}
