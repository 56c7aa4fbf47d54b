import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Alert, AlertEvent } from '../alerts/domain/alert.js';
import type { AlertDatabase } from './alert.schema.js';
import { alertFromRow, eventFromRow } from './alert-rows.js';
import type { AlertFilter, AlertPosition } from './alert-store.port.js';

function filtered<T extends 'alerts' | 'alert_events', O>(
  query: SelectQueryBuilder<AlertDatabase, T, O>,
  filter: AlertFilter,
): SelectQueryBuilder<AlertDatabase, T, O> {
  // Column names shared by both tables; the casts only tell Kysely so.
  let q = query as unknown as SelectQueryBuilder<AlertDatabase, 'alerts', O>;
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.severity !== undefined) q = q.where('severity', '=', filter.severity);
  if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
  if (filter.ruleId !== undefined) q = q.where('rule_id', '=', filter.ruleId);
  return q as unknown as SelectQueryBuilder<AlertDatabase, T, O>;
}

/** Alerts newest first, after `after` (keyset pagination). */
export async function listAlerts(
  db: Kysely<AlertDatabase>,
  filter: AlertFilter,
  after: AlertPosition | undefined,
  limit: number,
): Promise<Alert[]> {
  let query = filtered(db.selectFrom('alerts').selectAll(), filter)
    .orderBy('start_time', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('start_time', '<', after.startTime),
        eb.and([eb('start_time', '=', after.startTime), eb('id', '<', after.id)]),
      ]),
    );
  }
  return (await query.execute()).map(alertFromRow);
}

/** Alert events after a sequence number, oldest first. */
export async function listEvents(
  db: Kysely<AlertDatabase>,
  afterSequence: number,
  filter: AlertFilter,
  limit: number,
): Promise<AlertEvent[]> {
  const rows = await filtered(db.selectFrom('alert_events').selectAll(), filter)
    .where('sequence', '>', afterSequence)
    .orderBy('sequence')
    .limit(limit)
    .execute();
  return rows.map(eventFromRow);
}

/** Ids of the devices with open alerts, ordered, after `afterDeviceId` (keyset pagination). */
export async function listDevicesWithOpenAlerts(
  db: Kysely<AlertDatabase>,
  afterDeviceId: string | undefined,
  limit: number,
): Promise<string[]> {
  let query = db
    .selectFrom('alerts')
    .select('device_id')
    .distinct()
    .where('open_key', 'is not', null)
    .orderBy('device_id')
    .limit(limit);
  if (afterDeviceId !== undefined) query = query.where('device_id', '>', afterDeviceId);
  return (await query.execute()).map((row) => row.device_id);
}
