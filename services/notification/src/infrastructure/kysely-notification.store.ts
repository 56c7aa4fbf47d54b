import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { DeliveryStatus, type Notification } from '../notifications/domain/notification.js';
import type { ListCursor, NotificationFilter, NotificationStore } from './notification-store.port.js';
import { notificationMigrations } from './notification.migrations.js';
import { sameRecipient } from './queue-recipient.js';
import type { NotificationDatabase } from './notification.schema.js';

type Table = NotificationDatabase['notifications'];
type Row = Selectable<Table>;

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

const toRow = (n: Notification): Insertable<Table> => ({
  id: n.id,
  idempotency_key: n.idempotencyKey,
  kind: n.kind,
  channel: n.channel,
  recipient: n.recipient,
  subject: n.subject,
  body: n.body,
  attributes: JSON.stringify(n.attributes),
  status: n.status,
  attempts: n.attempts,
  last_error: n.lastError,
  create_time: n.createTime,
  deliver_time: n.deliverTime,
  next_attempt_time: n.nextAttemptTime,
  ordering_key: n.orderingKey,
});

const fromRow = (r: Row): Notification => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  kind: r.kind,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  body: r.body,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  status: r.status,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  createTime: Number(r.create_time),
  deliverTime: nullableNumber(r.deliver_time),
  nextAttemptTime: nullableNumber(r.next_attempt_time),
  orderingKey: r.ordering_key,
});

/** The outbox on SQLite (embedded default) or PostgreSQL, through Kysely. */
export class KyselyNotificationStore implements NotificationStore {
  private constructor(
    private readonly db: Kysely<NotificationDatabase>,
    private readonly defaultWebhookUrl: string | undefined,
  ) {}

  /**
   * `defaultWebhookUrl`, the first of WEBHOOK_URL, is the default webhook's recipient in the
   * delivery order (see listDue), as earlier versions stored it.
   */
  static async open(settings: StorageSettings, defaultWebhookUrl?: string): Promise<KyselyNotificationStore> {
    const db = createDatabase<NotificationDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, notificationMigrations(settings.kind));
    return new KyselyNotificationStore(db, defaultWebhookUrl);
  }

  async insert(notification: Notification): Promise<boolean> {
    const result = await this.db
      .insertInto('notifications')
      .values(toRow(notification))
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findById(id: string): Promise<Notification | undefined> {
    const row = await this.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async findByIdempotencyKey(key: string): Promise<Notification | undefined> {
    const row = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async list(
    filter: NotificationFilter,
    after: ListCursor | undefined,
    limit: number,
  ): Promise<Notification[]> {
    let query = this.db
      .selectFrom('notifications')
      .selectAll()
      .orderBy('create_time', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('create_time', '<', after.createTime),
          eb.and([eb('create_time', '=', after.createTime), eb('id', '<', after.id)]),
        ]),
      );
    }
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    return (await query.execute()).map(fromRow);
  }

  async listDue(now: number, limit: number): Promise<Notification[]> {
    const rows = await this.db
      .selectFrom('notifications as n')
      .selectAll()
      .where('n.status', '=', DeliveryStatus.DELIVERY_STATUS_PENDING)
      .where('n.next_attempt_time', '<=', now)
      // Only the head of each queue: an earlier one still pending (waiting, in an attempt or
      // backing off) holds the later ones back until it is delivered or failed.
      .where((eb) =>
        eb.or([
          eb('n.ordering_key', '=', ''),
          eb.not(
            eb.exists(
              eb
                .selectFrom('notifications as earlier')
                .select('earlier.position')
                .whereRef('earlier.ordering_key', '=', 'n.ordering_key')
                .whereRef('earlier.channel', '=', 'n.channel')
                .where((queue) => sameRecipient(queue, this.defaultWebhookUrl))
                .whereRef('earlier.position', '<', 'n.position')
                .where('earlier.status', '=', DeliveryStatus.DELIVERY_STATUS_PENDING),
            ),
          ),
        ]),
      )
      .orderBy('n.next_attempt_time')
      .orderBy('n.position')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async claim(id: string, expectedNextAttemptTime: number, leaseUntil: number): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set({ next_attempt_time: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', DeliveryStatus.DELIVERY_STATUS_PENDING)
      .where('next_attempt_time', '=', expectedNextAttemptTime)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async saveAttempt(notification: Notification, expectedAttempts: number): Promise<boolean> {
    const row = toRow(notification);
    const result = await this.db
      .updateTable('notifications')
      .set({
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
        deliver_time: row.deliver_time,
        next_attempt_time: row.next_attempt_time,
      })
      .where('id', '=', notification.id)
      .where('status', '=', DeliveryStatus.DELIVERY_STATUS_PENDING)
      .where('attempts', '=', expectedAttempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async pruneFinished(before: number, limit: number): Promise<number> {
    // Oldest first through the listing's index; pending notifications are never deleted. A delivered
    // one counts from its delivery (after an outage, days after it was queued), which is never before
    // it was queued.
    const finished = this.db
      .selectFrom('notifications')
      .select('id')
      .where('create_time', '<', before)
      .where((eb) => eb(eb.fn.coalesce('deliver_time', 'create_time'), '<', before))
      .where('status', 'in', [
        DeliveryStatus.DELIVERY_STATUS_DELIVERED,
        DeliveryStatus.DELIVERY_STATUS_FAILED,
      ])
      .orderBy('create_time')
      .limit(limit);
    const result = await this.db
      .deleteFrom('notifications')
      .where('id', 'in', finished)
      .where('status', '!=', DeliveryStatus.DELIVERY_STATUS_PENDING)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
