import { sql, type InsertObject, type SqlBool, type Transaction } from 'kysely';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { StoredAlert } from '../alerts/domain/alert.js';
import type { SqlDialect } from '@iot-mesh/storage';
import type { AlertDatabase } from './alert.schema.js';
import {
  ConcurrentChangeError,
  RuleChangedError,
  type ChangeBatch,
  type CommitNotice,
  type EvaluationWrite,
  type QuantityCursorWrite,
} from './alert-store.port.js';
import { alertFromRow, alertToRow, cursorToRow, eventToRow, outboxToRow, ruleFromRow } from './alert-rows.js';
import { judgesAlike, type Rule } from '../rules/domain/rule.js';
import { withEventSequences } from '../notifications/domain/event-sequence.js';

type Trx = Transaction<AlertDatabase>;

// Any constant: the transaction-scoped advisory lock that orders event appends (PostgreSQL).
const EVENT_APPEND_LOCK = 7_405_311;

const affected = (result: { numInsertedOrUpdatedRows?: bigint; numUpdatedRows?: bigint }): number =>
  Number(result.numInsertedOrUpdatedRows ?? result.numUpdatedRows ?? 0);

/**
 * The writes inside alert transactions. On PostgreSQL, rows read to decide are locked and event
 * appends are serialised by an advisory lock so sequences commit in order and a watcher that saw
 * sequence n never later finds an n-1. SQLite has a single writer anyway.
 *
 * Every writer takes its locks in one order, so none waits for one that waits for it: rule rows (in id
 * order), quantity cursors (in key order), rules' evaluation cursors, alert rows (in open_key order,
 * "<rule>/<device>"), the event lock. Evaluation holds each rule it writes for (FOR SHARE: evaluations
 * do not wait for each other) before it touches a cursor or an alert; a rule edit (FOR UPDATE) or delete takes its rule first too, so it
 * waits for the evaluations of the rule under way, or they for it. Writers that hold no rule, the
 * decommissioned-device sweep and an acknowledgement, lock at most one alert of any rule, in open_key
 * order as evaluation does (rule ids all have one form, so any collation orders one device's keys alike).
 */
export class AlertChangeWriter {
  constructor(private readonly dialect: SqlDialect) {}

  /**
   * Holds the stored rules the writes were judged by until commit; RuleChangedError names those
   * deleted, disabled or changed since they were read (from a cache, say).
   */
  async holdJudgingRules(trx: Trx, judgedBy: readonly Rule[]): Promise<void> {
    const evaluated = new Map(judgedBy.map((rule) => [rule.id, rule]));
    let query = trx
      .selectFrom('rules')
      .selectAll()
      .where('id', 'in', [...evaluated.keys()])
      .orderBy('id');
    if (this.dialect === 'postgres') query = query.forShare();
    const stored = new Map((await query.execute()).map((row) => [row.id, ruleFromRow(row)]));
    const changed = [...evaluated.values()].filter((rule) => {
      const now = stored.get(rule.id);
      return !now?.enabled || !judgesAlike(now, rule);
    });
    if (changed.length > 0) throw new RuleChangedError(changed.map((rule) => rule.id));
  }

  /** The rule as stored, held until commit so that what is decided from it still holds; undefined when none. */
  async holdRule(trx: Trx, ruleId: string): Promise<Rule | undefined> {
    let query = trx.selectFrom('rules').selectAll().where('id', '=', ruleId);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && ruleFromRow(row);
  }

  openAlertsOfRule(trx: Trx, ruleId: string): Promise<StoredAlert[]> {
    return this.lockOpenAlerts(trx, 'rule_id', ruleId);
  }

  openAlertsOfDevice(trx: Trx, deviceId: string): Promise<StoredAlert[]> {
    return this.lockOpenAlerts(trx, 'device_id', deviceId);
  }

  /**
   * Compare-and-set of a rule's own evaluation cursor: whoever evaluated in between makes this a
   * conflict. One the rule no longer needs is deleted; a rule that has none and needs none has no row.
   */
  async moveCursor(trx: Trx, { ruleId, deviceId, expectedCursor, cursor }: EvaluationWrite): Promise<void> {
    if (expectedCursor === undefined && cursor === undefined) return;
    const key = { rule_id: ruleId, device_id: deviceId };
    await compareAndSetCursor(trx, 'evaluation_cursors', key, expectedCursor, cursor);
  }

  /** Compare-and-set of a watched quantity's shared cursor, as of a rule's own. */
  async moveQuantityCursor(
    trx: Trx,
    { quantity, expectedCursor, cursor }: QuantityCursorWrite,
  ): Promise<void> {
    const key = {
      device_id: quantity.deviceId,
      sensor_type: quantity.sensorType,
      custom_sensor: quantity.customSensor,
    };
    await compareAndSetCursor(trx, 'quantity_cursors', key, expectedCursor, cursor);
  }

  async write(trx: Trx, batch: ChangeBatch): Promise<CommitNotice> {
    for (const { alert, expectedRevision } of batch.writes) {
      if (expectedRevision === null) {
        const result = await trx
          .insertInto('alerts')
          .values(alertToRow(alert, 1))
          .onConflict((conflict) => conflict.doNothing())
          .executeTakeFirst();
        if (affected(result) !== 1)
          throw new ConcurrentChangeError(`open alert of ${alert.ruleId}/${alert.deviceId}`);
      } else {
        const { id, ...row } = alertToRow(alert, expectedRevision + 1);
        const result = await trx
          .updateTable('alerts')
          .set(row)
          .where('id', '=', id)
          .where('revision', '=', expectedRevision)
          .executeTakeFirst();
        if (affected(result) !== 1) throw new ConcurrentChangeError(`alert ${id}`);
      }
    }
    if (batch.events.length > 0 && this.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${sql.lit(EVENT_APPEND_LOCK)})`.execute(trx);
    }
    // One by one, so sequence numbers follow the order of the changes.
    const sequences: number[] = [];
    for (const event of batch.events) {
      const { sequence } = await trx
        .insertInto('alert_events')
        .values(eventToRow(event))
        .returning('sequence')
        .executeTakeFirstOrThrow();
      sequences.push(Number(sequence));
    }
    if (batch.outbox.length > 0) {
      // In event order: the outbox id orders each alert's hand-overs (FIRING before RESOLVED).
      await trx
        .insertInto('notification_outbox')
        .values(withEventSequences(batch.outbox, batch.events, sequences).map(outboxToRow))
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .execute();
    }
    return { eventTypes: batch.events.map((event) => event.type), outbox: batch.outbox.length > 0 };
  }

  private async lockOpenAlerts(
    trx: Trx,
    column: 'rule_id' | 'device_id',
    value: string,
  ): Promise<StoredAlert[]> {
    let query = trx
      .selectFrom('alerts')
      .selectAll()
      .where(column, '=', value)
      .where('open_key', 'is not', null)
      .orderBy('open_key');
    if (this.dialect === 'postgres') query = query.forUpdate();
    return (await query.execute()).map(alertFromRow);
  }
}

type CursorTable = 'evaluation_cursors' | 'quantity_cursors';

/**
 * Moves the cursor of `key` from `expected` (none: it is inserted) to `next` (none: it is deleted);
 * ConcurrentChangeError when it was not at `expected`, another writer having moved, added or deleted it.
 */
async function compareAndSetCursor(
  trx: Trx,
  table: CursorTable,
  key: Record<string, string | number>,
  expected: EvaluationCursor | undefined,
  next: EvaluationCursor | undefined,
): Promise<void> {
  const at = (cursor: EvaluationCursor) => ({
    ...key,
    reading_time: cursor.readingTime,
    reading_id: cursor.readingId,
  });
  const where = (values: Record<string, string | number>) =>
    sql<SqlBool>`${sql.join(
      Object.entries(values).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
      sql` and `,
    )}`;
  let changed: bigint | undefined;
  if (expected === undefined) {
    const result = await trx
      .insertInto(table)
      // The key names its table's columns, which the union of the two tables' types does not tell.
      .values({ ...key, ...cursorToRow(next!) } as InsertObject<AlertDatabase, CursorTable>)
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    changed = result.numInsertedOrUpdatedRows;
  } else if (next === undefined) {
    changed = (
      await trx
        .deleteFrom(table)
        .where(where(at(expected)))
        .executeTakeFirst()
    ).numDeletedRows;
  } else {
    const result = await trx
      .updateTable(table)
      .set(cursorToRow(next))
      .where(where(at(expected)))
      .executeTakeFirst();
    changed = result.numUpdatedRows;
  }
  if (Number(changed ?? 0) !== 1) throw new ConcurrentChangeError(`evaluation of ${JSON.stringify(key)}`);
}
