import type { QueuedOutboxEntry } from './domain/outbox-entry.js';

/**
 * The notification outbox as the dispatcher uses it. Entries are added by the alert store, in
 * the transaction of the alert change that causes them.
 */
export interface NotificationOutbox {
  /**
   * Entries due at `now`, oldest first; failed ones are never due again. Of an alert's entries for
   * one channel only the oldest pending one, so they are handed over in the order of the alert's events.
   */
  dueEntries(now: number, limit: number): Promise<QueuedOutboxEntry[]>;
  remove(id: number): Promise<void>;
  reschedule(id: number, attempts: number, nextAttemptTime: number, lastError: string): Promise<void>;
  /** Keeps the entry, with why it was refused, for an operator to look at; it is never sent again. */
  markFailed(id: number, attempts: number, failedTime: number, reason: string): Promise<void>;
}
