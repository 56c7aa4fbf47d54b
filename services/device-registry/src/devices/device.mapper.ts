import { optionalTimestamp, timestampFromMillis } from '@iot-mesh/platform';
import type { Device as DeviceMessage } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { Device, DeviceFields } from './domain/device.js';

/** Domain device → API message. */
export function toDeviceMessage(device: Device): DeviceMessage {
  return {
    id: device.id,
    name: device.name,
    type: device.type,
    customType: device.customType,
    location: { ...device.location },
    ownerEmail: device.ownerEmail,
    status: device.status,
    labels: { ...device.labels },
    createTime: timestampFromMillis(device.createTime),
    updateTime: optionalTimestamp(device.updateTime),
  };
}

/** API message → the fields a client may set (absent sub-messages become empty values). */
export function fieldsFromMessage(message: DeviceMessage | undefined): DeviceFields {
  return {
    name: message?.name ?? '',
    type: message?.type ?? 0,
    customType: message?.customType ?? '',
    location: {
      site: message?.location?.site ?? '',
      zone: message?.location?.zone ?? '',
      latitude: message?.location?.latitude ?? 0,
      longitude: message?.location?.longitude ?? 0,
    },
    ownerEmail: message?.ownerEmail ?? '',
    status: message?.status ?? 0,
    labels: { ...(message?.labels ?? {}) },
  };
}
