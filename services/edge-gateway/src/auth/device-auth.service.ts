import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { status, type ServiceError } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@iot-mesh/platform';
import type { LRUCache } from 'lru-cache';
import { firstValueFrom, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { growingLruCache } from '../cache/growing-lru-cache.js';
import type { GatewayConfig } from '../config.js';
import { fromDownstream } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM, GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { apiKeyFrom, type HeaderLookup } from './credentials.js';

export interface DeviceIdentity {
  deviceId: string;
  keyId: string;
}

// Rejections are remembered briefly too, so a flood of bad keys does not become a flood of scrypt work.
const REJECTION_TTL_MS = 2_000;

/**
 * Device authentication: the API key is verified by the registry and the answer cached for a short
 * TTL (keyed by a hash, so plaintext keys are not kept in memory). Concurrent requests with the same
 * key share one lookup, and once the TTL is over the last answer keeps serving while one refresh
 * runs: at a thousand requests a second, every request of a device whose entry just expired would
 * otherwise start its own scrypt verification in the registry. An answer more than one TTL past its
 * expiry is not served any more, however long it stayed in the cache: the request waits for the
 * registry. A revoked key so stops working at most two TTLs (and one lookup) after it was revoked.
 */
@Injectable()
export class DeviceAuthService {
  private readonly cache: LRUCache<string, DeviceIdentity | 'rejected', string>;

  private readonly ttlMs: number;

  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.ttlMs = config.authCacheTtlMs;
    this.cache = growingLruCache(50_000, {
      ttl: config.authCacheTtlMs,
      allowStale: true,
      fetchMethod: (_key, _stale, { context: apiKey, options }) => this.verify(apiKey, options),
    });
  }

  async authenticate(header: HeaderLookup): Promise<DeviceIdentity> {
    const apiKey = apiKeyFrom(header);
    if (!apiKey)
      throw new UnauthenticatedError(
        'AUTH.MISSING_KEY',
        'a device API key is required (Authorization: Bearer <key> or x-api-key)',
      );
    const cacheKey = createHash('sha256').update(apiKey).digest('base64url');
    // Negative once expired: by how long. Too old an answer goes, and this request waits for a fresh one.
    if (this.cache.getRemainingTTL(cacheKey) < -this.ttlMs) this.cache.delete(cacheKey);
    const answer = await this.cache.fetch(cacheKey, { context: apiKey });
    if (answer === undefined || answer === 'rejected') throw invalidKey();
    return answer;
  }

  /**
   * For a stream that outlives one verification (a device's PublishReadings, WatchAlerts or SSE
   * stream): the source, ended with UNAUTHENTICATED once the key stops being valid. The key is checked
   * again every half cache time, so a revoked key's streams end within about three cache times; a
   * registry that cannot answer does not end them.
   */
  untilRevoked<T>(header: HeaderLookup): MonoTypeOperatorFunction<T> {
    return (source) =>
      new Observable<T>((subscriber) => {
        const check = setInterval(() => {
          this.authenticate(header).catch((error: unknown) => {
            if (error instanceof UnauthenticatedError) subscriber.error(error);
          });
        }, this.ttlMs / 2);
        check.unref();
        const subscription = source.subscribe(subscriber);
        return () => {
          clearInterval(check);
          subscription.unsubscribe();
        };
      });
  }

  /** The registry's answer for one key; a rejection is cached too, for a shorter time. */
  private async verify(apiKey: string, options: { ttl?: number }): Promise<DeviceIdentity | 'rejected'> {
    try {
      const verified = await firstValueFrom(this.downstream.registry.verifyDeviceKey({ apiKey }));
      return { deviceId: verified.deviceId, keyId: verified.keyId };
    } catch (error) {
      if ((error as ServiceError).code === status.UNAUTHENTICATED) {
        options.ttl = REJECTION_TTL_MS;
        return 'rejected';
      }
      throw fromDownstream('device-registry', error);
    }
  }
}

const invalidKey = () => new UnauthenticatedError('AUTH.INVALID_KEY', 'invalid API key');
