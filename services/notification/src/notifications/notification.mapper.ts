import { optionalTimestamp, timestampFromMillis } from '@iot-mesh/platform';
import type {
  NotificationRecord,
  SendNotificationRequest,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { Channel, type Notification, type NotificationRequest } from './domain/notification.js';
import { shownWebhookUrl } from './domain/shown-webhook-url.js';

/** Outbox entry → API message; a webhook URL without what could be its secret (shownWebhookUrl). */
export function toNotificationMessage(notification: Notification): NotificationRecord {
  return {
    id: notification.id,
    idempotencyKey: notification.idempotencyKey,
    kind: notification.kind,
    channel: notification.channel,
    recipient:
      notification.channel === Channel.CHANNEL_WEBHOOK
        ? shownWebhookUrl(notification.recipient)
        : notification.recipient,
    subject: notification.subject,
    body: notification.body,
    attributes: { ...notification.attributes },
    status: notification.status,
    attempts: notification.attempts,
    lastError: notification.lastError,
    createTime: timestampFromMillis(notification.createTime),
    deliverTime: optionalTimestamp(notification.deliverTime),
    nextAttemptTime: optionalTimestamp(notification.nextAttemptTime),
    orderingKey: notification.orderingKey,
  };
}

/** API request → what the use case validates and queues. */
export function requestFromMessage(message: SendNotificationRequest): NotificationRequest {
  return {
    idempotencyKey: message.idempotencyKey,
    kind: message.kind,
    channel: message.channel,
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    attributes: { ...(message.attributes ?? {}) },
    orderingKey: message.orderingKey ?? '',
  };
}
