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
  recipient: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
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
