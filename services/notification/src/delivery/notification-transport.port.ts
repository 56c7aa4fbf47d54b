import type { Channel, Notification } from '../notifications/domain/notification.js';

/** Delivers notifications on one channel. Resolves when delivered, rejects when not. */
export interface NotificationTransport {
  readonly channel: Channel;
  deliver(notification: Notification): Promise<void>;
  /** Releases connections; called once on shutdown after the last attempt. */
  close(): Promise<void> | void;
}

/** A failure that retrying cannot fix (the target was refused or rejected the message for good). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}
