import {
  NOTIFICATION_LIMITS,
  notificationContentViolations,
  textViolations,
  type FieldViolation,
} from '@iot-mesh/platform';

/** The fields of a SendNotification request the rules below judge. */
export interface NotificationText {
  idempotencyKey: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

/**
 * How the notification service judges a notification's key, subject, body and attributes: the same
 * platform rules its notificationViolations applies (tests may not import another service).
 */
export function sendNotificationViolations(request: NotificationText): FieldViolation[] {
  return [
    ...textViolations('idempotency_key', request.idempotencyKey, NOTIFICATION_LIMITS.idempotencyKey),
    ...notificationContentViolations(request),
  ];
}
