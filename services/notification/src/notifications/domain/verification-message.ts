import { isEmailAddress, textViolations, type FieldViolation } from '@iot-mesh/platform';
import { Channel, NotificationKind, type NotificationRequest } from './notification.js';

export interface DeviceVerification {
  deviceId: string;
  deviceName: string;
  ownerEmail: string;
}

const MAX_DEVICE_ID = 100;
const MAX_DEVICE_NAME = 100;

export function verificationViolations(request: DeviceVerification): FieldViolation[] {
  return [
    ...textViolations('device_id', request.deviceId, MAX_DEVICE_ID),
    ...textViolations('device_name', request.deviceName, MAX_DEVICE_NAME),
    ...(isEmailAddress(request.ownerEmail)
      ? []
      : [{ field: 'owner_email', reason: 'RECIPIENT.EMAIL', description: 'must be an email address' }]),
  ];
}

/**
 * The verification message for a new device. The key is derived from the device id, so the
 * registry may retry the call (or re-register after a crash) without sending a second email.
 * On the log channel the owner goes into the attributes, since log recipients stay empty.
 */
export function verificationNotification(
  request: DeviceVerification,
  channel: Channel.CHANNEL_EMAIL | Channel.CHANNEL_LOG,
): NotificationRequest {
  return {
    idempotencyKey: `verify:${request.deviceId}`,
    kind: NotificationKind.NOTIFICATION_KIND_DEVICE_VERIFICATION,
    channel,
    recipient: channel === Channel.CHANNEL_EMAIL ? request.ownerEmail : '',
    subject: `Verify your new device "${request.deviceName}"`,
    body: [
      'Hello,',
      '',
      `the device "${request.deviceName}" (id ${request.deviceId}) was registered in iot-mesh`,
      `with ${request.ownerEmail} as its owner.`,
      '',
      'If you registered it, keep this message for your records.',
      'If you did not, ask your iot-mesh operator to decommission the',
      'device: its API keys stop working at once.',
      '',
      '-- iot-mesh',
    ].join('\n'),
    attributes: { device_id: request.deviceId, owner_email: request.ownerEmail },
    orderingKey: '',
  };
}
