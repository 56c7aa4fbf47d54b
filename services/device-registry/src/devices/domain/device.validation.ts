import type { FieldViolation } from '@iot-mesh/platform';
import { enumViolation, CONTROL_CHARACTERS as CONTROL } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DeviceStatus, type DeviceFields, type DeviceLocation } from './device.js';

const DEVICE_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;
const LABEL_KEY = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;
const MAX_LABELS = 32;

const violation = (field: string, reason: string, description: string): FieldViolation => ({
  field,
  reason,
  description,
});

/** A free-text field: at most `max` characters, no control characters, and not blank when required. */
export function textViolations(
  field: string,
  value: string,
  max: number,
  required: boolean,
): FieldViolation[] {
  if (required && value.trim() === '') return [violation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (value.length > max) return [violation(field, 'FIELD.TOO_LONG', `must be at most ${max} characters`)];
  if (CONTROL.test(value))
    return [violation(field, 'FIELD.CONTROL_CHARACTERS', 'must not contain control characters')];
  return [];
}

export function deviceIdViolations(id: string, field = 'device_id'): FieldViolation[] {
  return DEVICE_ID.test(id)
    ? []
    : [
        violation(
          field,
          'DEVICE.ID_FORMAT',
          '3-63 characters: lowercase letters, digits and "-", starting with a letter or digit',
        ),
      ];
}

export function locationViolations(location: DeviceLocation): FieldViolation[] {
  const found = [
    ...textViolations('location.site', location.site, 100, false),
    ...textViolations('location.zone', location.zone, 100, false),
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
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS)
    return [violation('labels', 'LABELS.TOO_MANY', `at most ${MAX_LABELS} labels`)];
  return entries.flatMap(([key, value]) => [
    ...(LABEL_KEY.test(key)
      ? []
      : [
          violation(
            `labels.${key}`,
            'LABELS.KEY_FORMAT',
            'keys are 1-63 lowercase letters, digits, "_", "." or "-"',
          ),
        ]),
    ...textViolations(`labels.${key}`, value, 128, false),
  ]);
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
    ...textViolations('name', fields.name, 100, true),
    ...(typeProblem ? [typeProblem] : []),
    ...(custom ? textViolations('custom_type', fields.customType, 50, true) : []),
    ...(!custom && fields.customType !== ''
      ? [violation('custom_type', 'DEVICE.CUSTOM_TYPE', 'only for type SENSOR_TYPE_CUSTOM')]
      : []),
    ...(EMAIL.test(fields.ownerEmail) && fields.ownerEmail.length <= 254
      ? []
      : [violation('owner_email', 'DEVICE.OWNER_EMAIL', 'must be an email address')]),
    ...locationViolations(fields.location),
    ...labelViolations(fields.labels),
    ...statusViolations(fields.status),
  ];
}
