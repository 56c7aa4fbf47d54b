import type { FieldViolation } from '../errors/field-violation.js';
import { stringMapViolations, textViolations } from './field-rules.js';

/**
 * What Notification.SendNotification accepts. The notification service refuses a request over them
 * for good, so the services that build notifications (the alert manager) keep within them too.
 */
export const NOTIFICATION_LIMITS = {
  idempotencyKey: 200,
  subject: 200,
  body: 20_000,
  attributes: 32,
  attributeValue: 256,
} as const;

// Single-line fields end up in mail headers, so they take no control character at all (header
// injection). A body may span lines and be indented, but carries no other control characters.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const NOTIFICATION_BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export interface NotificationContent {
  subject: string;
  body: string;
  attributes: Readonly<Record<string, string>>;
}

/** The problems the notification service finds in a notification's subject, body and attributes. */
export function notificationContentViolations(content: NotificationContent): FieldViolation[] {
  return [
    ...textViolations('subject', content.subject, NOTIFICATION_LIMITS.subject),
    ...textViolations('body', content.body, NOTIFICATION_LIMITS.body, { control: NOTIFICATION_BODY_CONTROL }),
    ...stringMapViolations('attributes', content.attributes, {
      maxEntries: NOTIFICATION_LIMITS.attributes,
      maxValueLength: NOTIFICATION_LIMITS.attributeValue,
      reasonPrefix: 'ATTRIBUTES',
    }),
  ];
}
