import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';

interface VerifiedSecret {
  /** SHA-256 of the secret: the secret is 256 random bits, so its digest gives nothing away. */
  digest: Buffer;
  /** The stored hash the secret was verified against. */
  secretHash: string;
}

const digestOf = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Secrets the registry verified with scrypt a short while ago. The gateway asks again for every key
 * each AUTH_CACHE_TTL_MS, and one scrypt run takes about 60 ms of a core at the default cost: with many
 * devices whose gateway entries expire together, those runs took both cores for the better part of a
 * second. A remembered secret counts only while its key's stored hash is the one it matched and for
 * `ttlMs` (0 remembers nothing); the key's state is still read on every verification.
 */
export class VerifiedSecrets {
  private readonly entries?: LRUCache<string, VerifiedSecret>;

  constructor(ttlMs: number, max = 10_000) {
    if (ttlMs > 0) this.entries = new LRUCache({ max, ttl: ttlMs });
  }

  /** Whether `secret` was verified against `secretHash` (the key's stored hash) within the TTL. */
  matches(keyId: string, secret: string, secretHash: string): boolean {
    const entry = this.entries?.get(keyId);
    if (entry === undefined || entry.secretHash !== secretHash) return false;
    return timingSafeEqual(digestOf(secret), entry.digest);
  }

  remember(keyId: string, secret: string, secretHash: string): void {
    this.entries?.set(keyId, { digest: digestOf(secret), secretHash });
  }
}
