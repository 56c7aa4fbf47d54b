import type {
  Channel,
  DeliveryStatus,
  Notification,
  NotificationKind,
} from '../notifications/domain/notification.js';

export interface NotificationFilter {
  status?: DeliveryStatus;
  channel?: Channel;
  kind?: NotificationKind;
}

/** Position in the newest-first listing: the last record of the previous page. */
export interface ListCursor {
  createTime: number;
  id: string;
}

/** The outbox: queued notifications and their delivery state. */
export interface NotificationStore {
  /** False when a notification with the same idempotency key exists (nothing is written then). */
  insert(notification: Notification): Promise<boolean>;
  findById(id: string): Promise<Notification | undefined>;
  findByIdempotencyKey(key: string): Promise<Notification | undefined>;
  /** Newest first (create time, then id), strictly after `after`, at most `limit`. */
  list(filter: NotificationFilter, after: ListCursor | undefined, limit: number): Promise<Notification[]>;

  /**
   * Pending notifications whose next attempt is due at `now`, the longest waiting first; of those
   * with an ordering key only the first queued of its key, channel and recipient that is still
   * pending, so they go out one at a time and in order (the default webhook's URL, as earlier
   * versions stored its recipient, counting as the default webhook '').
   */
  listDue(now: number, limit: number): Promise<Notification[]>;
  /**
   * Takes a due notification for one attempt by moving its next attempt time to `leaseUntil`,
   * only if it still is `expectedNextAttemptTime`: of several dispatchers (replicas) exactly one
   * wins, and a crashed one's claim lapses when the lease ends.
   */
  claim(id: string, expectedNextAttemptTime: number, leaseUntil: number): Promise<boolean>;
  /** Saves the outcome of an attempt if no one else recorded one since (`expectedAttempts`). */
  saveAttempt(notification: Notification, expectedAttempts: number): Promise<boolean>;
  /** Deletes up to `limit` delivered or failed notifications queued before `before`; says how many. */
  pruneFinished(before: number, limit: number): Promise<number>;
  close(): Promise<void>;
}
