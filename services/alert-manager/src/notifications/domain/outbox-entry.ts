import type { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';

export const CHANNEL_NAMES = ['log', 'email', 'webhook'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** One notification to hand to the notification service, kept until it was accepted. */
export interface OutboxEntry {
  idempotencyKey: string;
  alertId: string;
  kind: NotificationKind;
  channel: ChannelName;
  /** Email address for email; empty for log and webhook (the notification service knows its URL). */
  recipient: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
  createTime: number;
}

/** An outbox entry as stored, with its delivery bookkeeping. */
export interface QueuedOutboxEntry extends OutboxEntry {
  id: number;
  attempts: number;
  nextAttemptTime: number;
  lastError: string;
}
