import {
  enumViolation,
  fieldViolation as violation,
  stringMapViolations,
  textViolations,
  type FieldViolation,
} from '@iot-mesh/platform';
import { Channel, NotificationKind, type NotificationRequest } from './notification.js';

export const MAX_IDEMPOTENCY_KEY = 200;
export const MAX_SUBJECT = 200;
export const MAX_BODY = 20_000;
const MAX_ATTRIBUTES = 32;
const MAX_ATTRIBUTE_VALUE = 256;
const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,189}\.[^\s@<>,;"]{2,63}$/;
// Single-line fields end up in mail headers, so they take no control character at all (CONTROL_CHARACTERS: header
// injection). Bodies may span lines and be indented, but carry no other control characters.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

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

export function attributeViolations(attributes: Record<string, string>): FieldViolation[] {
  return stringMapViolations('attributes', attributes, {
    maxEntries: MAX_ATTRIBUTES,
    maxValueLength: MAX_ATTRIBUTE_VALUE,
    reasonPrefix: 'ATTRIBUTES',
  });
}

/** Every problem of a request at once, in field order, so the caller can fix them in one go. */
export function notificationViolations(
  request: NotificationRequest,
  webhookUrls: readonly string[],
): FieldViolation[] {
  const kind = enumViolation('kind', request.kind, NotificationKind);
  const channel = enumViolation('channel', request.channel, Channel);
  return [
    ...textViolations('idempotency_key', request.idempotencyKey, MAX_IDEMPOTENCY_KEY),
    ...(kind ? [kind] : []),
    ...(channel ? [channel] : recipientViolations(request.channel, request.recipient, webhookUrls)),
    ...textViolations('subject', request.subject, MAX_SUBJECT),
    ...textViolations('body', request.body, MAX_BODY, { control: BODY_CONTROL }),
    ...attributeViolations(request.attributes),
  ];
}
