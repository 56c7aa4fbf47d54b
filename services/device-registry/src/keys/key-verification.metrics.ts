import { Counter, type Registry } from 'prom-client';

/**
 * Verifications of well-formed keys by how their secret was checked: remembered (VerifiedSecrets) or
 * hashed with scrypt. With a steady fleet the scrypt share should fall to the keys new in the last
 * API_KEY_VERIFY_CACHE_MS; if it does not, API_KEY_VERIFY_CACHE_MAX_ENTRIES is below the active keys.
 */
export class KeyVerificationMetrics {
  private readonly verifications: Counter<'secret'>;

  constructor(registry: Registry) {
    this.verifications = new Counter({
      name: 'device_registry_key_verifications_total',
      help: 'Well-formed device keys verified, by secret: remembered (no scrypt run) or scrypt',
      labelNames: ['secret'],
      registers: [registry],
    });
  }

  remembered(): void {
    this.verifications.inc({ secret: 'remembered' });
  }

  hashed(): void {
    this.verifications.inc({ secret: 'scrypt' });
  }
}
