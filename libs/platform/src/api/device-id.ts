import type { FieldViolation } from '../errors/field-violation.js';
import { fieldViolation } from './field-rules.js';

/**
 * The one device id rule of the platform. The registry gives and takes only such ids, so an alert
 * rule scoped to other text, or a reading of another "device", could never concern a device: the
 * alert manager and the data processor refuse them as the registry does.
 */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,62}$/;
export const DEVICE_ID_RULE =
  '3-63 characters: lowercase letters, digits and "-", starting with a letter or digit';

export const isDeviceId = (value: string): boolean => DEVICE_ID_PATTERN.test(value);

/** The violation of `id` at `field` when it is no device id, with the service's own `reason`. */
export function deviceIdViolations(id: string, field: string, reason: string): FieldViolation[] {
  return isDeviceId(id) ? [] : [fieldViolation(field, reason, DEVICE_ID_RULE)];
}
