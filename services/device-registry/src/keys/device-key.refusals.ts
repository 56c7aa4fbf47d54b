import { FailedPreconditionError, NotFoundError, ResourceExhaustedError } from '@iot-mesh/platform';
import { DeviceStatus, type Device } from '../devices/domain/device.js';
import { MAX_ACTIVE_KEYS } from './domain/device-key.js';

// What a call refused for want of a scrypt turn tells its caller to wait: about what the queued runs take.
const SCRYPT_BUSY_RETRY_MS = 1_000;

/** Keys are issued and rotated only for a device that exists and is not decommissioned. */
export function requireUsable(device: Device | undefined, deviceId: string): void {
  if (!device)
    throw new NotFoundError('DEVICE.NOT_FOUND', `device ${deviceId} not found`, { device_id: deviceId });
  if (device.status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED) {
    throw new FailedPreconditionError('DEVICE.DECOMMISSIONED', `device ${deviceId} is decommissioned`, {
      device_id: deviceId,
    });
  }
}

/** Room for one more key outside a rotation's grace period. */
export function requireRoomForKey(activeKeys: number): void {
  if (activeKeys >= MAX_ACTIVE_KEYS) {
    throw new ResourceExhaustedError(
      'DEVICE_KEY.LIMIT',
      `a device has at most ${MAX_ACTIVE_KEYS} active keys; revoke one first`,
    );
  }
}

/** A verification refused for want of a scrypt turn. */
export const verifyBusy = () =>
  new ResourceExhaustedError(
    'DEVICE_KEY.VERIFY_BUSY',
    'too many API key verifications at once; retry shortly',
    SCRYPT_BUSY_RETRY_MS,
  );

/** An issue or rotation refused for want of a turn to hash its key, which verifications share. */
export const hashingBusy = () =>
  new ResourceExhaustedError(
    'DEVICE_KEY.HASHING_BUSY',
    'too many API keys being hashed at once; retry shortly',
    SCRYPT_BUSY_RETRY_MS,
  );

/** A rotation of a key that no longer works: revoked, or past its grace period. */
export const keyRevoked = (keyId: string) =>
  new FailedPreconditionError('DEVICE_KEY.REVOKED', `key ${keyId} is revoked and cannot be rotated`, {
    key_id: keyId,
  });
