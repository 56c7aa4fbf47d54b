import {
  deviceIdViolations as platformDeviceIdViolations,
  enumViolation,
  fieldViolation as violation,
  isEmailAddress,
  stringMapViolations,
  textViolations,
  type FieldViolation,
} from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DeviceStatus, type DeviceFields, type DeviceLocation } from './device.js';

const MAX_LABELS = 32;

export function deviceIdViolations(id: string, field = 'device_id'): FieldViolation[] {
  return platformDeviceIdViolations(id, field, 'DEVICE.ID_FORMAT');
}

export function locationViolations(location: DeviceLocation): FieldViolation[] {
  const found = [
    ...textViolations('location.site', location.site, 100, { required: false }),
    ...textViolations('location.zone', location.zone, 100, { required: false }),
  ];
  if (!Number.isFinite(location.latitude) || Math.abs(location.latitude) > 90) {
    found.push(violation('location.latitude', 'LOCATION.LATITUDE', 'must be a number between -90 and 90'));
  }
  if (!Number.isFinite(location.longitude) || Math.abs(location.longitude) > 180) {
    found.push(
      violation('location.longitude', 'LOCATION.LONGITUDE', 'must be a number between -180 and 180'),
    );
  }
  return found;
}

export function labelViolations(labels: Record<string, string>): FieldViolation[] {
  return stringMapViolations('labels', labels, {
    maxEntries: MAX_LABELS,
    maxValueLength: 128,
    reasonPrefix: 'LABELS',
  });
}

export function statusViolations(status: DeviceStatus): FieldViolation[] {
  const invalid = enumViolation('status', status, DeviceStatus);
  if (invalid) return [invalid];
  return status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED
    ? [violation('status', 'DEVICE.STATUS_DECOMMISSION', 'use DecommissionDevice to decommission a device')]
    : [];
}

/** Every problem of a device's fields, so the caller can fix them all at once. */
export function deviceFieldViolations(fields: DeviceFields): FieldViolation[] {
  const typeProblem = enumViolation('type', fields.type, SensorType);
  const custom = fields.type === SensorType.SENSOR_TYPE_CUSTOM;
  return [
    ...textViolations('name', fields.name, 100),
    ...(typeProblem ? [typeProblem] : []),
    ...(custom ? textViolations('custom_type', fields.customType, 50) : []),
    ...(!custom && fields.customType !== ''
      ? [violation('custom_type', 'DEVICE.CUSTOM_TYPE', 'only for type SENSOR_TYPE_CUSTOM')]
      : []),
    // The platform's rule, so the notification service can send the owner's verification email.
    ...(isEmailAddress(fields.ownerEmail)
      ? []
      : [violation('owner_email', 'DEVICE.OWNER_EMAIL', 'must be an email address')]),
    ...locationViolations(fields.location),
    ...labelViolations(fields.labels),
    ...statusViolations(fields.status),
  ];
}
