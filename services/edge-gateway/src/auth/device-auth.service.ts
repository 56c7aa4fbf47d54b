import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  growingLruCache,
  isDeviceApiKeyShaped,
  millisFromTimestamp,
  UnauthenticatedError,
} from '@iot-mesh/platform';
import type { LRUCache } from 'lru-cache';
import { firstValueFrom, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { GatewayConfig } from '../config.js';
import { authenticationFailed } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM, GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { AuthFailureLimits } from '../rate-limit/auth-failure-limits.js';
import { apiKeyFrom, type HeaderLookup } from './credentials.js';

export interface DeviceIdentity {
  deviceId: string;
  keyId: string;
  /** When the key stops working, if it was rotated (the end of its grace period), in epoch ms. */
  expireTime?: number;
}

// Rejections are remembered briefly too, so one bad key sent again and again is not verified again.
const REJECTION_TTL_MS = 2_000;

/** What a registry lookup needs: the key, and the client address its refusal is counted against. */
interface Lookup {
  apiKey: string;
  client?: string;
}

/**
 * Device authentication: the API key is verified by the registry and the answer cached for a short
 * TTL (keyed by a hash, so plaintext keys are not kept in memory). Concurrent requests with the same
 * key share one lookup, and once the TTL is over the last answer keeps serving while one refresh
 * runs: at a thousand requests a second, every request of a device whose entry just expired would
 * otherwise start its own scrypt verification in the registry. An answer more than one TTL past its
 * expiry is not served any more, however long it stayed in the cache: the request waits for the
 * registry. A revoked key so stops working at most two TTLs (and one lookup) after it was revoked. A
 * failed refresh keeps the last answer, up to the same bound, so a registry restart refuses no device.
 * A rotated key's answer carries the end of its grace period, and is not served past it: such a key
 * stops then, or (when its grace period ends before this cache's first refresh after the rotation)
 * within two TTLs of the rotation.
 *
 * Made-up keys cost the registry a scrypt run each (it hashes unknown ids too, so timing does not tell
 * which exist): a credential that is not key-shaped is refused here without asking it, and the keys it
 * refuses are counted against the client address (AuthFailureLimits).
 */
@Injectable()
export class DeviceAuthService {
  private readonly cache: LRUCache<string, DeviceIdentity | 'rejected', Lookup>;

  private readonly ttlMs: number;

  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly failures: AuthFailureLimits,
  ) {
    this.ttlMs = config.authCacheTtlMs;
    this.cache = growingLruCache(config.authCacheMaxEntries, {
      ttl: config.authCacheTtlMs,
      allowStale: true,
      // A refresh that fails (the registry unreachable) leaves the expired answer in place, to serve
      // while the next refresh runs, up to the bound in authenticate(). lru-cache would drop it, and
      // every request would wait for the registry. A key the registry refuses is an answer, not a failure.
      noDeleteOnFetchRejection: true,
      fetchMethod: (_key, stale, { context, options }) => this.verify(context, stale, options),
    });
  }

  /**
   * The device whose key the request carries. `client`, the request's client address, is left out only
   * for the re-checks of a stream that was admitted already.
   */
  async authenticate(header: HeaderLookup, client?: string): Promise<DeviceIdentity> {
    const apiKey = apiKeyFrom(header);
    if (!apiKey)
      throw new UnauthenticatedError(
        'AUTH.MISSING_KEY',
        'a device API key is required (Authorization: Bearer <key> or x-api-key)',
      );
    if (!isDeviceApiKeyShaped(apiKey)) throw invalidKey();
    const cacheKey = createHash('sha256').update(apiKey).digest('base64url');
    // Negative once expired: by how long. Too old an answer is not served: this request waits for a
    // fresh one. It stays in place meanwhile, so that verify() still knows the key was valid.
    const tooOld = this.cache.getRemainingTTL(cacheKey) < -this.ttlMs;
    const answer = await this.cache.fetch(cacheKey, {
      context: { apiKey, client },
      ...(tooOld && { forceRefresh: true, allowStale: false }),
    });
    if (answer === undefined || answer === 'rejected') throw invalidKey();
    // A rotated key stops at the end of its grace period, however fresh the answer that said it works.
    if (answer.expireTime !== undefined && answer.expireTime <= Date.now()) throw invalidKey();
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

  /**
   * The registry's answer for one key; a rejection is cached too, for a shorter time. A key the cache
   * last knew as valid is verified again freely, however long ago (while the cache holds it): devices
   * behind one address re-verify after a silence, and refused keys from that address (decommissioned
   * devices still sending) must not lock them out. A made-up key was never valid, and a refusal replaces
   * the valid answer. Any other key is refused while its address is locked out for spending its budget of
   * failures, and a refusal takes a token of that budget.
   */
  private async verify(
    { apiKey, client }: Lookup,
    stale: DeviceIdentity | 'rejected' | undefined,
    options: { ttl?: number },
  ): Promise<DeviceIdentity | 'rejected'> {
    const budgeted = stale === undefined || stale === 'rejected' ? client : undefined;
    if (budgeted !== undefined) this.failures.check(budgeted);
    try {
      const verified = await firstValueFrom(this.downstream.registry.verifyDeviceKey({ apiKey }));
      const identity: DeviceIdentity = { deviceId: verified.deviceId, keyId: verified.keyId };
      if (verified.expireTime) identity.expireTime = millisFromTimestamp(verified.expireTime);
      return identity;
    } catch (error) {
      if ((error as ServiceError).code !== status.UNAUTHENTICATED) throw authenticationFailed(error);
      if (budgeted !== undefined) await this.failures.refused(budgeted);
      options.ttl = REJECTION_TTL_MS;
      return 'rejected';
    }
  }
}

const invalidKey = () => new UnauthenticatedError('AUTH.INVALID_KEY', 'invalid API key');
