import { sql, type Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';
import type { PrunedAlerts } from './alert-store.port.js';

/**
 * Deletes up to `limit` resolved alerts that last changed before `before`, with their events, and
 * raises the pruned-events marks (of all events, and of each device's) to the highest sequence deleted, in one transaction: a stream never
 * sees events gone without the mark saying so. Resolved alerts no longer change, so no writer waits.
 */
export function pruneResolvedAlerts(
  db: Kysely<AlertDatabase>,
  before: number,
  limit: number,
): Promise<PrunedAlerts> {
  return db.transaction().execute(async (trx) => {
    const ids = (
      await trx
        .selectFrom('alerts')
        .select('id')
        .where('open_key', 'is', null)
        .where('update_time', '<', before)
        .orderBy('update_time')
        .limit(limit)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) return { alerts: 0, events: 0 };
    const newestByDevice = await trx
      .selectFrom('alert_events')
      .select((eb) => ['device_id', eb.fn.max('sequence').as('sequence')])
      .where('alert_id', 'in', ids)
      .groupBy('device_id')
      .execute();
    const events = await trx.deleteFrom('alert_events').where('alert_id', 'in', ids).executeTakeFirst();
    const alerts = await trx
      .deleteFrom('alerts')
      .where('id', 'in', ids)
      .where('open_key', 'is', null)
      .executeTakeFirst();
    const through = Math.max(0, ...newestByDevice.map((row) => Number(row.sequence)));
    for (const { device_id, sequence } of newestByDevice) {
      await trx
        .insertInto('pruned_device_events')
        .values({ device_id, through_sequence: Number(sequence) })
        .onConflict((conflict) =>
          conflict
            .column('device_id')
            .doUpdateSet({ through_sequence: (eb) => eb.ref('excluded.through_sequence') })
            .where('pruned_device_events.through_sequence', '<', (eb) => eb.ref('excluded.through_sequence')),
        )
        .execute();
    }
    await trx
      .updateTable('pruned_alert_events')
      .set({ through_sequence: through })
      .where('id', '=', 1)
      .where('through_sequence', '<', through)
      .execute();
    return { alerts: Number(alerts.numDeletedRows), events: Number(events.numDeletedRows) };
  });
}

/**
 * Deletes up to `limit` evaluation cursors last moved before `before` whose rule and device have no
 * open alert: all a cursor holds is how far evaluation got, which only readings older than it need.
 */
export async function pruneIdleCursors(
  db: Kysely<AlertDatabase>,
  before: number,
  limit: number,
): Promise<number> {
  const idle = db
    .selectFrom('evaluation_cursors as c')
    .select(['c.rule_id', 'c.device_id'])
    .where('c.reading_time', '<', before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('alerts')
            .select('alerts.id')
            .where(
              'alerts.open_key',
              '=',
              sql<string>`${sql.ref('c.rule_id')} || '/' || ${sql.ref('c.device_id')}`,
            ),
        ),
      ),
    )
    .limit(limit)
    .$asTuple('rule_id', 'device_id');
  const result = await db
    .deleteFrom('evaluation_cursors')
    .where('reading_time', '<', before)
    .where((eb) => eb(eb.refTuple('rule_id', 'device_id'), 'in', idle))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes up to `limit` shared cursors of watched quantities last moved before `before`: no open alert
 * goes by one (a rule with an alert open has its own cursor).
 */
export async function pruneIdleQuantityCursors(
  db: Kysely<AlertDatabase>,
  before: number,
  limit: number,
): Promise<number> {
  const idle = db
    .selectFrom('quantity_cursors')
    .select(['device_id', 'sensor_type', 'custom_sensor'])
    .where('reading_time', '<', before)
    .limit(limit)
    .$asTuple('device_id', 'sensor_type', 'custom_sensor');
  const result = await db
    .deleteFrom('quantity_cursors')
    .where('reading_time', '<', before)
    .where((eb) => eb(eb.refTuple('device_id', 'sensor_type', 'custom_sensor'), 'in', idle))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The highest sequence of an event (of `deviceId`'s, when given) the retention deleted; 0 before any. */
export async function prunedEventsThrough(db: Kysely<AlertDatabase>, deviceId?: string): Promise<number> {
  const row = await (
    deviceId
      ? db.selectFrom('pruned_device_events').select('through_sequence').where('device_id', '=', deviceId)
      : db.selectFrom('pruned_alert_events').select('through_sequence').where('id', '=', 1)
  ).executeTakeFirst();
  return Number(row?.through_sequence ?? 0);
}
