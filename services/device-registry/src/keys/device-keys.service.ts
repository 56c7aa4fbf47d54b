import { Inject, Injectable } from '@nestjs/common';
import {
  METRICS_REGISTRY,
  NotFoundError,
  requireId,
  textViolations,
  UnauthenticatedError,
  ValidationError,
} from '@iot-mesh/platform';
import type { Registry } from 'prom-client';
import { DevicesService } from '../devices/devices.service.js';
import type { DeviceStatus } from '../devices/domain/device.js';
import type { DeviceKeysTransaction, RegistryStore } from '../infrastructure/registry-store.port.js';
import { CLOCK, DEVICE_REPOSITORY, REGISTRY_CONFIG } from '../registry.di-tokens.js';
import type { RegistryConfig } from '../config.js';
import {
  DECOY_HASH,
  generateApiKey,
  hashSecret,
  keyPrefix,
  parseApiKey,
  verifySecret,
} from './domain/api-key.js';
import { keyAsOf, keyWorksAt, KeyState, type DeviceKey } from './domain/device-key.js';
import { BoundedWork } from './bounded-work.js';
import {
  hashingBusy,
  keyRevoked,
  requireRoomForKey,
  requireUsable,
  verifyBusy,
} from './device-key.refusals.js';
import { KeyVerificationMetrics } from './key-verification.metrics.js';
import { VerifiedSecrets } from './verified-secrets.js';

export interface IssuedKey {
  key: DeviceKey;
  apiKey: string;
}

// Last-used times are written at most once a minute per key, not on every verification.
const TOUCH_INTERVAL_MS = 60_000;

/** Use cases of device API keys: issue, rotate, revoke, list and verify. */
@Injectable()
export class DeviceKeysService {
  private readonly verifiedSecrets: VerifiedSecrets;
  private readonly scryptRuns: BoundedWork;
  private readonly metrics: KeyVerificationMetrics;

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly devices: DevicesService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.verifiedSecrets = new VerifiedSecrets(config.apiKeyVerifyCache);
    this.metrics = new KeyVerificationMetrics(registry);
    this.scryptRuns = new BoundedWork(config.apiKeyVerification.concurrency, config.apiKeyVerification.queue);
  }

  async issue(deviceId: string, description: string): Promise<IssuedKey> {
    requireId(deviceId, 'device_id');
    requireUsable(await this.devices.get(deviceId), deviceId);
    const problems = textViolations('description', description, 200, { required: false });
    if (problems.length > 0) throw new ValidationError(problems);
    requireRoomForKey(await this.store.countActiveKeys(deviceId));
    // Hashing is slow, so the checks above refuse early and are made again where the key is written.
    const issued = await this.newKey(deviceId, description);
    await this.store.changeDeviceKeys(deviceId, async (keys) => {
      requireUsable(keys.device, deviceId);
      requireRoomForKey(await keys.countActiveKeys());
      await keys.insertKey(issued.key);
    });
    return issued;
  }

  /**
   * A new key in place of `keyId`, which works on until the end of the grace period
   * (KEY_ROTATION_GRACE_MS; 0 revokes it at once). Rotating a key in its grace period again is taken
   * as a retry whose answer was lost: the replacement the earlier rotation issued, whose secret nobody
   * may have, is revoked and the deadline kept, so a device never has more than one replacement of a
   * key, and an answer lost in a timeout costs it nothing.
   */
  async rotate(deviceId: string, keyId: string): Promise<IssuedKey & { revoked: DeviceKey }> {
    requireId(deviceId, 'device_id');
    requireUsable(await this.devices.get(deviceId), deviceId);
    const old = await this.requireKey(deviceId, keyId);
    if (!keyWorksAt(old, this.now())) throw keyRevoked(keyId);
    const issued = await this.newKey(deviceId, old.description);
    const revoked = await this.store.changeDeviceKeys(deviceId, async (keys) => {
      requireUsable(keys.device, deviceId);
      // Read again while the device is held: a rotation, revocation or decommission may have come first.
      const current = await keys.findKey(keyId);
      const now = this.now();
      if (!current || !keyWorksAt(current, now)) throw keyRevoked(keyId);
      await keys.insertKey(issued.key);
      return this.replace(keys, current, issued.key.keyId, now);
    });
    return { ...issued, revoked };
  }

  async revoke(deviceId: string, keyId: string): Promise<DeviceKey> {
    requireId(deviceId, 'device_id');
    const key = await this.requireKey(deviceId, keyId);
    const now = this.now();
    if (!keyWorksAt(key, now)) return keyAsOf(key, now);
    const revoked = await this.store.changeDeviceKeys(deviceId, (keys) => keys.revokeKey(keyId, now));
    // Revoked meanwhile (rotated, revoked or decommissioned): the stored revocation is the answer.
    if (!revoked) return keyAsOf(await this.requireKey(deviceId, keyId), this.now());
    return { ...key, state: KeyState.KEY_STATE_REVOKED, revokeTime: now };
  }

  async list(deviceId: string): Promise<DeviceKey[]> {
    requireId(deviceId, 'device_id');
    await this.devices.get(deviceId);
    const now = this.now();
    return (await this.store.listKeys(deviceId)).map((key) => keyAsOf(key, now));
  }

  /**
   * The device behind an API key; UNAUTHENTICATED for malformed, unknown, revoked or wrong keys alike,
   * and for a rotated key past its grace period.
   * The key format is public, so a string that is not key-shaped is refused without hashing. A
   * well-formed key is hashed whether its id exists or not (against DECOY_HASH if not), so timing does
   * not tell which ids exist; those scrypt runs are bounded (BoundedWork), the excess refused with
   * RESOURCE_EXHAUSTED whatever the key.
   */
  async verify(apiKey: string): Promise<{ key: DeviceKey; deviceStatus: DeviceStatus }> {
    const rejected = new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key');
    const parsed = parseApiKey(apiKey);
    if (!parsed) throw rejected;
    const key = await this.store.findKey(parsed.keyId);
    const known = key && this.verifiedSecrets.matches(key.keyId, parsed.secret, key.secretHash);
    if (known) this.metrics.remembered();
    const matches =
      known ||
      (await this.scryptRuns.run(
        () => verifySecret(parsed.secret, key?.secretHash ?? DECOY_HASH),
        verifyBusy,
      ));
    if (!known) this.metrics.hashed();
    const now = this.now();
    if (!key || !matches || !keyWorksAt(key, now)) throw rejected;
    if (!known) this.verifiedSecrets.remember(key.keyId, parsed.secret, key.secretHash);
    const device = await this.store.findDevice(key.deviceId);
    if (!device) throw rejected;
    if (key.lastUsedTime === null || now - key.lastUsedTime > TOUCH_INTERVAL_MS)
      await this.store.touchKey(key.keyId, now);
    return { key, deviceStatus: device.status };
  }

  /**
   * Retires `old` (a key that works now) for the key `replacementKeyId` and answers it as stored then.
   * A retried rotation's old key keeps the deadline the first one set, and loses the replacement it gave.
   */
  private async replace(
    keys: DeviceKeysTransaction,
    old: DeviceKey,
    replacementKeyId: string,
    now: number,
  ): Promise<DeviceKey> {
    if (old.replacementKeyId !== null) await keys.revokeKey(old.replacementKeyId, now);
    const grace = this.config.keyRotationGraceMs;
    const expireTime = old.expireTime ?? (grace > 0 ? now + grace : null);
    if (expireTime === null) {
      await keys.revokeKey(old.keyId, now);
      return { ...old, state: KeyState.KEY_STATE_REVOKED, revokeTime: now };
    }
    await keys.markReplaced(old.keyId, replacementKeyId, expireTime);
    return { ...old, expireTime, replacementKeyId };
  }

  /** A key and its secret; the scrypt run shares the bound of verifications (BoundedWork). */
  private async newKey(deviceId: string, description: string): Promise<IssuedKey> {
    const generated = generateApiKey();
    const secretHash = await this.scryptRuns.run(
      () => hashSecret(generated.secret, this.config.apiKeyScryptCost),
      hashingBusy,
    );
    const key: DeviceKey = {
      keyId: generated.keyId,
      deviceId,
      state: KeyState.KEY_STATE_ACTIVE,
      description,
      prefix: keyPrefix(generated.plaintext),
      secretHash,
      createTime: this.now(),
      revokeTime: null,
      lastUsedTime: null,
      expireTime: null,
      replacementKeyId: null,
    };
    return { key, apiKey: generated.plaintext };
  }

  private async requireKey(deviceId: string, keyId: string): Promise<DeviceKey> {
    if (keyId === '')
      throw new ValidationError([
        { field: 'key_id', reason: 'FIELD.REQUIRED', description: 'must not be empty' },
      ]);
    const key = await this.store.findKey(keyId);
    if (!key || key.deviceId !== deviceId) {
      throw new NotFoundError('DEVICE_KEY.NOT_FOUND', `key ${keyId} of device ${deviceId} not found`, {
        key_id: keyId,
      });
    }
    return key;
  }
}
