import { chunked } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';
import { alertFromRow, cursorFromRow } from './alert-rows.js';
import { evaluationKey, type EvaluationState } from './alert-store.port.js';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import { quantityKey, type WatchedQuantity } from '../evaluation/domain/watched-quantity.js';

/**
 * The cursor and open alert of every (rule, device) pair an evaluation touches, read with a few
 * IN-list queries in parallel instead of two lookups per pair.
 */
export async function readEvaluationStates(
  db: Kysely<AlertDatabase>,
  targets: readonly { ruleId: string; deviceId: string }[],
): Promise<Map<string, EvaluationState>> {
  const states = new Map<string, EvaluationState>();
  for (const { ruleId, deviceId } of targets) {
    states.set(evaluationKey(ruleId, deviceId), { cursor: undefined, open: undefined });
  }
  // By device: only rules with an alert open (or just resolved) have a cursor of their own, so a
  // device has few, where one query per rule would cost as many statements as there are rules.
  const deviceIds = [...new Set(targets.map((target) => target.deviceId))];
  const reads: Promise<void>[] = [];
  for (const part of chunked(deviceIds)) {
    reads.push(
      (async () => {
        const rows = await db
          .selectFrom('evaluation_cursors')
          .select(['rule_id', 'device_id', 'reading_time', 'reading_id', 'earlier_ids_at_time'])
          .where('device_id', 'in', part)
          .execute();
        for (const row of rows) {
          const state = states.get(evaluationKey(row.rule_id, row.device_id));
          if (state) state.cursor = cursorFromRow(row);
        }
      })(),
    );
  }
  for (const part of chunked([...states.keys()])) {
    reads.push(
      (async () => {
        const rows = await db.selectFrom('alerts').selectAll().where('open_key', 'in', part).execute();
        for (const row of rows) {
          const state = states.get(row.open_key ?? '');
          if (state) state.open = alertFromRow(row);
        }
      })(),
    );
  }
  await Promise.all(reads);
  return states;
}

/** The shared cursors of the quantities, by quantityKey: a device's few rows each, by its key prefix. */
export async function readQuantityCursors(
  db: Kysely<AlertDatabase>,
  quantities: readonly WatchedQuantity[],
): Promise<Map<string, EvaluationCursor>> {
  const wanted = new Set(quantities.map(quantityKey));
  const cursors = new Map<string, EvaluationCursor>();
  const deviceIds = [...new Set(quantities.map((quantity) => quantity.deviceId))];
  const parts = await Promise.all(
    chunked(deviceIds).map((part) =>
      db.selectFrom('quantity_cursors').selectAll().where('device_id', 'in', part).execute(),
    ),
  );
  for (const row of parts.flat()) {
    const key = quantityKey({
      deviceId: row.device_id,
      sensorType: row.sensor_type,
      customSensor: row.custom_sensor,
    });
    if (wanted.has(key)) cursors.set(key, cursorFromRow(row));
  }
  return cursors;
}
