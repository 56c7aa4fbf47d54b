import {
  enumViolation,
  fieldViolation as violation,
  isEmailAddress,
  NOTIFICATION_LIMITS,
  notificationContentViolations,
  textViolations,
  type FieldViolation,
} from '@iot-mesh/platform';
import { Channel, NotificationKind, type NotificationRequest } from './notification.js';

/**
 * Recipient rules per channel. Webhooks go only to configured URLs (never to one a caller names),
 * so the allowed list is checked here; an empty list means the channel is not configured, which
 * the caller reports as a precondition instead.
 */
export function recipientViolations(
  channel: Channel,
  recipient: string,
  webhookUrls: readonly string[],
): FieldViolation[] {
  switch (channel) {
    case Channel.CHANNEL_LOG:
      return recipient === ''
        ? []
        : [violation('recipient', 'RECIPIENT.NOT_ALLOWED', 'must be empty for the log channel')];
    case Channel.CHANNEL_EMAIL:
      return isEmailAddress(recipient)
        ? []
        : [violation('recipient', 'RECIPIENT.EMAIL', 'must be an email address')];
    case Channel.CHANNEL_WEBHOOK:
      return recipient === '' || webhookUrls.length === 0 || webhookUrls.includes(recipient)
        ? []
        : [
            violation(
              'recipient',
              'RECIPIENT.WEBHOOK_URL',
              'must be empty (the default webhook) or exactly one of the configured webhook URLs',
            ),
          ];
    default:
      return []; // an unknown channel is reported on its own field
  }
}

/** Every problem of a request at once, in field order, so the caller can fix them in one go. */
export function notificationViolations(
  request: NotificationRequest,
  webhookUrls: readonly string[],
): FieldViolation[] {
  const kind = enumViolation('kind', request.kind, NotificationKind);
  const channel = enumViolation('channel', request.channel, Channel);
  return [
    ...textViolations('idempotency_key', request.idempotencyKey, NOTIFICATION_LIMITS.idempotencyKey),
    ...(kind ? [kind] : []),
    ...(channel ? [channel] : recipientViolations(request.channel, request.recipient, webhookUrls)),
    ...notificationContentViolations(request),
    // As long as an idempotency key may be: both name something of the caller's.
    ...textViolations('ordering_key', request.orderingKey, NOTIFICATION_LIMITS.idempotencyKey, {
      required: false,
    }),
  ];
}
