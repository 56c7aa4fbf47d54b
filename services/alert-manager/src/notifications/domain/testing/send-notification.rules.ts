import { stringMapViolations, textViolations, type FieldViolation } from '@iot-mesh/platform';

/** The fields of a SendNotification request the rules below judge. */
export interface NotificationText {
  idempotencyKey: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

// eslint-disable-next-line no-control-regex -- the control characters a body may not hold
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * How the notification service judges a notification's key, subject, body and attributes
 * (notificationViolations in services/notification/src/notifications/domain/notification.validation.ts),
 * from the same platform field rules. Tests may not import another service; its numbers are written
 * out here, not taken from notification-limits.ts, so a wrong limit there fails the tests.
 */
export function sendNotificationViolations(request: NotificationText): FieldViolation[] {
  return [
    ...textViolations('idempotency_key', request.idempotencyKey, 200),
    ...textViolations('subject', request.subject, 200),
    ...textViolations('body', request.body, 20_000, { control: BODY_CONTROL }),
    ...stringMapViolations('attributes', request.attributes, {
      maxEntries: 32,
      maxValueLength: 256,
      reasonPrefix: 'ATTRIBUTES',
    }),
  ];
}
