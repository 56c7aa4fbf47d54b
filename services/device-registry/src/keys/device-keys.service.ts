import { Inject, Injectable } from '@nestjs/common';
import {
  FailedPreconditionError,
  NotFoundError,
  requireId,
  ResourceExhaustedError,
  textViolations,
  UnauthenticatedError,
  ValidationError,
} from '@iot-mesh/platform';
import { DevicesService } from '../devices/devices.service.js';
import { DeviceStatus, type Device } from '../devices/domain/device.js';
import type { RegistryStore } from '../infrastructure/registry-store.port.js';
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
import { KeyState, MAX_ACTIVE_KEYS, type DeviceKey } from './domain/device-key.js';
import { BoundedWork } from './bounded-work.js';
import { VerifiedSecrets } from './verified-secrets.js';

export interface IssuedKey {
  key: DeviceKey;
  apiKey: string;
}

// Last-used times are written at most once a minute per key, not on every verification.
const TOUCH_INTERVAL_MS = 60_000;
// What a refused verification tells its caller to wait: about what the queued scrypt runs take.
const VERIFY_BUSY_RETRY_MS = 1_000;

/** Use cases of device API keys: issue, rotate, revoke, list and verify. */
@Injectable()
export class DeviceKeysService {
  private readonly verifiedSecrets: VerifiedSecrets;
  private readonly scryptRuns: BoundedWork;

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly devices: DevicesService,
  ) {
    this.verifiedSecrets = new VerifiedSecrets(config.apiKeyVerifyCacheMs);
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

  async rotate(deviceId: string, keyId: string): Promise<IssuedKey & { revoked: DeviceKey }> {
    requireId(deviceId, 'device_id');
    requireUsable(await this.devices.get(deviceId), deviceId);
    const old = await this.requireKey(deviceId, keyId);
    if (old.state !== KeyState.KEY_STATE_ACTIVE) throw keyRevoked(keyId);
    const issued = await this.newKey(deviceId, old.description);
    const now = this.now();
    await this.store.changeDeviceKeys(deviceId, async (keys) => {
      requireUsable(keys.device, deviceId);
      // Of concurrent rotations of one key, only the first finds it still active.
      if (!(await keys.revokeKey(keyId, now))) throw keyRevoked(keyId);
      await keys.insertKey(issued.key);
    });
    return { ...issued, revoked: { ...old, state: KeyState.KEY_STATE_REVOKED, revokeTime: now } };
  }

  async revoke(deviceId: string, keyId: string): Promise<DeviceKey> {
    requireId(deviceId, 'device_id');
    const key = await this.requireKey(deviceId, keyId);
    if (key.state === KeyState.KEY_STATE_REVOKED) return key;
    const now = this.now();
    const revoked = await this.store.changeDeviceKeys(deviceId, (keys) => keys.revokeKey(keyId, now));
    // Revoked meanwhile (rotated, revoked or decommissioned): the stored revocation is the answer.
    if (!revoked) return this.requireKey(deviceId, keyId);
    return { ...key, state: KeyState.KEY_STATE_REVOKED, revokeTime: now };
  }

  async list(deviceId: string): Promise<DeviceKey[]> {
    requireId(deviceId, 'device_id');
    await this.devices.get(deviceId);
    return this.store.listKeys(deviceId);
  }

  /**
   * The device behind an API key; UNAUTHENTICATED for malformed, unknown, revoked or wrong keys alike.
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
    const matches =
      known ||
      (await this.scryptRuns.run(
        () => verifySecret(parsed.secret, key?.secretHash ?? DECOY_HASH),
        verifyBusy,
      ));
    if (!key || !matches || key.state !== KeyState.KEY_STATE_ACTIVE) throw rejected;
    if (!known) this.verifiedSecrets.remember(key.keyId, parsed.secret, key.secretHash);
    const device = await this.store.findDevice(key.deviceId);
    if (!device) throw rejected;
    const now = this.now();
    if (key.lastUsedTime === null || now - key.lastUsedTime > TOUCH_INTERVAL_MS)
      await this.store.touchKey(key.keyId, now);
    return { key, deviceStatus: device.status };
  }

  private async newKey(deviceId: string, description: string): Promise<IssuedKey> {
    const generated = generateApiKey();
    const key: DeviceKey = {
      keyId: generated.keyId,
      deviceId,
      state: KeyState.KEY_STATE_ACTIVE,
      description,
      prefix: keyPrefix(generated.plaintext),
      secretHash: await hashSecret(generated.secret, this.config.apiKeyScryptCost),
      createTime: this.now(),
      revokeTime: null,
      lastUsedTime: null,
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

/** Keys are issued and rotated only for a device that exists and is not decommissioned. */
function requireUsable(device: Device | undefined, deviceId: string): void {
  if (!device)
    throw new NotFoundError('DEVICE.NOT_FOUND', `device ${deviceId} not found`, { device_id: deviceId });
  if (device.status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED) {
    throw new FailedPreconditionError('DEVICE.DECOMMISSIONED', `device ${deviceId} is decommissioned`, {
      device_id: deviceId,
    });
  }
}

function requireRoomForKey(activeKeys: number): void {
  if (activeKeys >= MAX_ACTIVE_KEYS) {
    throw new ResourceExhaustedError(
      'DEVICE_KEY.LIMIT',
      `a device has at most ${MAX_ACTIVE_KEYS} active keys; revoke one first`,
    );
  }
}

const verifyBusy = () =>
  new ResourceExhaustedError(
    'DEVICE_KEY.VERIFY_BUSY',
    'too many API key verifications at once; retry shortly',
    VERIFY_BUSY_RETRY_MS,
  );

const keyRevoked = (keyId: string) =>
  new FailedPreconditionError('DEVICE_KEY.REVOKED', `key ${keyId} is revoked and cannot be rotated`, {
    key_id: keyId,
  });
