import { chunked } from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';
import { alertFromRow, cursorFromRow } from './alert-rows.js';
import { evaluationKey, type EvaluationState } from './alert-store.port.js';

/**
 * The cursor and open alert of every (rule, device) pair an evaluation touches, read with a few
 * IN-list queries in parallel instead of two lookups per pair.
 */
export async function readEvaluationStates(
  db: Kysely<AlertDatabase>,
  targets: readonly { ruleId: string; deviceId: string }[],
): Promise<Map<string, EvaluationState>> {
  const states = new Map<string, EvaluationState>();
  const byRule = new Map<string, string[]>();
  for (const { ruleId, deviceId } of targets) {
    const key = evaluationKey(ruleId, deviceId);
    if (states.has(key)) continue;
    states.set(key, { cursor: undefined, open: undefined });
    const devices = byRule.get(ruleId);
    if (devices) devices.push(deviceId);
    else byRule.set(ruleId, [deviceId]);
  }
  const reads: Promise<void>[] = [];
  for (const [ruleId, deviceIds] of byRule) {
    for (const part of chunked(deviceIds)) {
      reads.push(
        (async () => {
          const rows = await db
            .selectFrom('evaluation_cursors')
            .select(['device_id', 'reading_time', 'reading_id', 'earlier_ids_at_time'])
            .where('rule_id', '=', ruleId)
            .where('device_id', 'in', part)
            .execute();
          for (const row of rows) {
            const state = states.get(evaluationKey(ruleId, row.device_id));
            if (state) state.cursor = cursorFromRow(row);
          }
        })(),
      );
    }
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
