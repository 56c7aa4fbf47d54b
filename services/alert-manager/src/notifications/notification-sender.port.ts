import type { OutboxEntry } from './domain/outbox-entry.js';

/** Hands a notification to the notification service; resolves once it accepted it. */
export interface NotificationSender {
  send(entry: OutboxEntry): Promise<void>;
}
