import { KeyState } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';

export { KeyState };

/** An API key as stored: metadata and a salted scrypt hash of the secret, never the secret. */
export interface DeviceKey {
  keyId: string;
  deviceId: string;
  state: KeyState;
  description: string;
  prefix: string;
  secretHash: string;
  createTime: number;
  revokeTime: number | null;
  lastUsedTime: number | null;
  /** Set by a rotation with a grace period: the key works until then (unless revoked before). */
  expireTime: number | null;
  /** The key the last rotation of this one issued: a rotation of it again revokes that one. */
  replacementKeyId: string | null;
}

/**
 * At most this many active keys per device, keys in a rotation's grace period not counted: they are
 * on their way out, and a device at the limit can still rotate.
 */
export const MAX_ACTIVE_KEYS = 10;

/** Whether the key authenticates at `now`: active and, if rotated, still within its grace period. */
export const keyWorksAt = (key: DeviceKey, now: number): boolean =>
  key.state === KeyState.KEY_STATE_ACTIVE && (key.expireTime === null || now < key.expireTime);

/** The key as the API shows it at `now`: one whose grace period is over is revoked, since its end. */
export function keyAsOf(key: DeviceKey, now: number): DeviceKey {
  if (key.state !== KeyState.KEY_STATE_ACTIVE || keyWorksAt(key, now)) return key;
  return { ...key, state: KeyState.KEY_STATE_REVOKED, revokeTime: key.expireTime };
}
