import type { Generated } from 'kysely';

/** Table shape of the outbox (times in epoch ms, enums as their proto numbers, attributes as JSON). */
export interface NotificationDatabase {
  notifications: {
    /** Queue order: strictly increasing as records are inserted. */
    position: Generated<number>;
    id: string;
    idempotency_key: string;
    kind: number;
    channel: number;
    recipient: string;
    subject: string;
    body: string;
    attributes: string;
    status: number;
    attempts: number;
    last_error: string;
    create_time: number;
    deliver_time: number | null;
    next_attempt_time: number | null;
    /** '' when the notification needs no order. */
    ordering_key: string;
  };
}
