import { bounded, ERROR_TEXT_BOUNDS } from '@iot-mesh/platform';
import type { Kysely } from 'kysely';
import type { QueuedOutboxEntry } from '../notifications/domain/outbox-entry.js';
import type { NotificationOutbox } from '../notifications/notification-outbox.port.js';
import type { AlertDatabase } from './alert.schema.js';
import { outboxFromRow } from './alert-rows.js';

/** last_error holds what the notification service answered, as long as an error message may be. */
const lastErrorText = (text: string): string => bounded(text, ERROR_TEXT_BOUNDS.message);

/** The outbox table of the alert manager's database (SQLite or PostgreSQL). */
export class KyselyNotificationOutbox implements NotificationOutbox {
  constructor(private readonly db: Kysely<AlertDatabase>) {}

  async dueEntries(now: number, limit: number): Promise<QueuedOutboxEntry[]> {
    const rows = await this.db
      .selectFrom('notification_outbox as entry')
      .selectAll()
      .where('entry.failed_time', 'is', null)
      .where('entry.next_attempt_time', '<=', now)
      // Only the first pending entry of an alert and channel: a later one (its RESOLVED) waits
      // until the earlier one was handed over or refused for good, whatever their retry times.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notification_outbox as earlier')
              .select('earlier.id')
              .whereRef('earlier.alert_id', '=', 'entry.alert_id')
              .whereRef('earlier.channel', '=', 'entry.channel')
              .whereRef('earlier.id', '<', 'entry.id')
              .where('earlier.failed_time', 'is', null),
          ),
        ),
      )
      .orderBy('entry.next_attempt_time')
      .orderBy('entry.id')
      .limit(limit)
      .execute();
    return rows.map(outboxFromRow);
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('notification_outbox').where('id', '=', id).execute();
  }

  async reschedule(id: number, attempts: number, nextAttemptTime: number, lastError: string): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set({ attempts, next_attempt_time: nextAttemptTime, last_error: lastErrorText(lastError) })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, attempts: number, failedTime: number, reason: string): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set({ attempts, failed_time: failedTime, last_error: lastErrorText(reason) })
      .where('id', '=', id)
      .execute();
  }
}
