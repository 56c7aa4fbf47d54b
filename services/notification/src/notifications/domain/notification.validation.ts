import { enumViolation, type FieldViolation, CONTROL_CHARACTERS as CONTROL } from '@iot-mesh/platform';
import { Channel, NotificationKind, type NotificationRequest } from './notification.js';

export const MAX_IDEMPOTENCY_KEY = 200;
export const MAX_SUBJECT = 200;
export const MAX_BODY = 20_000;
const MAX_ATTRIBUTES = 32;
const MAX_ATTRIBUTE_VALUE = 256;
const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,189}\.[^\s@<>,;"]{2,63}$/;
const ATTRIBUTE_KEY = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;
// Single-line fields end up in mail headers, so they take no control character at all (CONTROL: header
// injection). Bodies may span lines and be indented, but carry no other control characters.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const violation = (field: string, reason: string, description: string): FieldViolation => ({
  field,
  reason,
  description,
});

/** A required single-line (or, with BODY_CONTROL, multi-line) text field. */
export function textViolations(
  field: string,
  value: string,
  max: number,
  control = CONTROL,
): FieldViolation[] {
  if (value.trim() === '') return [violation(field, 'FIELD.REQUIRED', 'must not be empty')];
  if (value.length > max) return [violation(field, 'FIELD.TOO_LONG', `must be at most ${max} characters`)];
  if (control.test(value))
    return [violation(field, 'FIELD.CONTROL_CHARACTERS', 'must not contain control characters')];
  return [];
}

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
  const entries = Object.entries(attributes);
  if (entries.length > MAX_ATTRIBUTES)
    return [violation('attributes', 'ATTRIBUTES.TOO_MANY', `at most ${MAX_ATTRIBUTES} attributes`)];
  return entries.flatMap(([key, value]) => [
    ...(ATTRIBUTE_KEY.test(key)
      ? []
      : [
          violation(
            `attributes.${key}`,
            'ATTRIBUTES.KEY_FORMAT',
            'keys are 1-63 lowercase letters, digits, "_", "." or "-"',
          ),
        ]),
    ...(value.length > MAX_ATTRIBUTE_VALUE
      ? [
          violation(
            `attributes.${key}`,
            'FIELD.TOO_LONG',
            `must be at most ${MAX_ATTRIBUTE_VALUE} characters`,
          ),
        ]
      : []),
    ...(CONTROL.test(value)
      ? [violation(`attributes.${key}`, 'FIELD.CONTROL_CHARACTERS', 'must not contain control characters')]
      : []),
  ]);
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
    ...textViolations('body', request.body, MAX_BODY, BODY_CONTROL),
    ...attributeViolations(request.attributes),
  ];
}
