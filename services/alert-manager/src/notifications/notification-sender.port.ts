import type { OutboxEntry } from './domain/outbox-entry.js';

/**
 * The notification service refused this notification for good: sending the same entry again
 * would get the same answer, so it is not retried.
 */
export class NotificationRejectedError extends Error {
  override readonly name = 'NotificationRejectedError';
}

/**
 * Hands a notification to the notification service; resolves once it accepted it. Rejects with
 * NotificationRejectedError when it was refused for good; any other failure is worth a retry.
 */
export interface NotificationSender {
  send(entry: OutboxEntry): Promise<void>;
}
