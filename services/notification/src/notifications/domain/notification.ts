import {
  Channel,
  DeliveryStatus,
  NotificationKind,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';

export { Channel, DeliveryStatus, NotificationKind };

/** What a caller asks to send; validated before anything is stored. */
export interface NotificationRequest {
  idempotencyKey: string;
  kind: NotificationKind;
  channel: Channel;
  /** The email address; for a webhook one of the configured URLs, or '' for the default (the first). */
  recipient: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
  /**
   * Delivered after the notifications queued before it with the same key, channel and recipient
   * ('' for none).
   */
  orderingKey: string;
}

/**
 * Whether a request asks for what a stored notification is, so that it is a retry of it. A webhook
 * for the default URL (an empty recipient) and one naming that URL (`defaultWebhookUrl`, the first
 * configured) ask for the same; an empty recipient also matches the URL that versions before this one
 * stored in its place. The ordering key says how to deliver, not what: a retry from a caller that
 * only now sets one (an upgrade between two tries) is the same notification.
 */
export function sameRequest(
  stored: NotificationRequest,
  request: NotificationRequest,
  defaultWebhookUrl?: string,
): boolean {
  const webhook = request.channel === Channel.CHANNEL_WEBHOOK;
  const sameRecipient =
    stored.recipient === request.recipient ||
    (webhook && request.recipient === '') ||
    (webhook && stored.recipient === '' && request.recipient === defaultWebhookUrl);
  const attributes = Object.entries(request.attributes);
  return (
    stored.kind === request.kind &&
    stored.channel === request.channel &&
    sameRecipient &&
    stored.subject === request.subject &&
    stored.body === request.body &&
    attributes.length === Object.keys(stored.attributes).length &&
    attributes.every(([key, value]) => stored.attributes[key] === value)
  );
}

/** One outbox entry. Times are epoch milliseconds; null when not (or no longer) applicable. */
export interface Notification extends NotificationRequest {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string;
  createTime: number;
  deliverTime: number | null;
  /** When the dispatcher may try next; while an attempt runs, the end of its lease. */
  nextAttemptTime: number | null;
}

/** A freshly queued notification: pending and due at once. */
export function queuedNotification(id: string, request: NotificationRequest, now: number): Notification {
  return {
    ...request,
    id,
    status: DeliveryStatus.DELIVERY_STATUS_PENDING,
    attempts: 0,
    lastError: '',
    createTime: now,
    deliverTime: null,
    nextAttemptTime: now,
  };
}

/** Lower-case channel names for logs, metrics and error messages. */
export const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  [Channel.CHANNEL_UNSPECIFIED]: 'unspecified',
  [Channel.CHANNEL_LOG]: 'log',
  [Channel.CHANNEL_EMAIL]: 'email',
  [Channel.CHANNEL_WEBHOOK]: 'webhook',
  [Channel.UNRECOGNIZED]: 'unrecognized',
};
