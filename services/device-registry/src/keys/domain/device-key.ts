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
}

/** At most this many active keys per device (rotation needs two for a moment). */
export const MAX_ACTIVE_KEYS = 10;
