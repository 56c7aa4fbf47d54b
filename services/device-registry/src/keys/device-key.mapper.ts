import { optionalTimestamp, timestampFromMillis } from '@iot-mesh/platform';
import type { DeviceKey as DeviceKeyMessage } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { DeviceKey } from './domain/device-key.js';

/** Key metadata for the API; the hash never leaves the service. */
export function toDeviceKeyMessage(key: DeviceKey): DeviceKeyMessage {
  return {
    keyId: key.keyId,
    deviceId: key.deviceId,
    state: key.state,
    description: key.description,
    prefix: key.prefix,
    createTime: timestampFromMillis(key.createTime),
    revokeTime: optionalTimestamp(key.revokeTime),
    lastUsedTime: optionalTimestamp(key.lastUsedTime),
    expireTime: optionalTimestamp(key.expireTime),
  };
}
