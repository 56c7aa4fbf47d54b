import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Kysely, Transaction } from 'kysely';
import type { Alert, AlertEvent, StoredAlert } from '../alerts/domain/alert.js';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { Rule } from '../rules/domain/rule.js';
import { alertAdditiveMigrations } from './alert.additive-migrations.js';
import { alertMigrations } from './alert.migrations.js';
import type { AlertDatabase } from './alert.schema.js';
import { AlertChangeWriter } from './alert-change.writer.js';
import { listAlerts, listDevicesWithOpenAlerts, listEvents } from './alert-list.queries.js';
import { findDecommissionedDevices } from './decommissioned-devices.query.js';
import { alertFromRow, cursorFromRow, ruleFromRow, ruleToRow } from './alert-rows.js';
import { readEvaluationStates, readQuantityCursors } from './evaluation-states.query.js';
import { quantityKey, type WatchedQuantity } from '../evaluation/domain/watched-quantity.js';
import { KyselyNotificationOutbox } from './kysely-notification.outbox.js';
import {
  pruneIdleCursors,
  pruneIdleQuantityCursors,
  pruneResolvedAlerts,
  prunedEventsThrough,
} from './history-pruning.queries.js';
import { asConcurrentChange } from './transaction-conflict.js';
import {
  type AlertFilter,
  type AlertPosition,
  type AlertStore,
  type ChangeBatch,
  type ChangeOpenAlerts,
  type CommitNotice,
  type EvaluationState,
  type EvaluationWrite,
  type PrunedAlerts,
  type QuantityCursorWrite,
  type RuleChange,
  type RuleFilter,
  evaluationKey,
} from './alert-store.port.js';

type Trx = Transaction<AlertDatabase>;
const byKey = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
const NOTHING: CommitNotice = { eventTypes: [], outbox: false };

/** The alert store on SQLite (embedded default) or PostgreSQL, through Kysely. */
export class KyselyAlertStore implements AlertStore {
  private readonly listeners: ((notice: CommitNotice) => void)[] = [];
  /** The outbox table of the same database, for the notification dispatcher. */
  readonly outbox: KyselyNotificationOutbox;

  private constructor(
    private readonly db: Kysely<AlertDatabase>,
    private readonly writer: AlertChangeWriter,
  ) {
    this.outbox = new KyselyNotificationOutbox(db);
  }

  static async open(settings: StorageSettings): Promise<KyselyAlertStore> {
    const db = createDatabase<AlertDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, alertMigrations(settings.kind), {
      additive: alertAdditiveMigrations,
    });
    return new KyselyAlertStore(db, new AlertChangeWriter(settings.kind));
  }

  async insertRule(rule: Rule): Promise<void> {
    await this.db.insertInto('rules').values(ruleToRow(rule)).execute();
  }

  async findRule(id: string): Promise<Rule | undefined> {
    const row = await this.db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && ruleFromRow(row);
  }

  async listRules(filter: RuleFilter, afterId: string | undefined, limit: number) {
    let query = this.db.selectFrom('rules').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    if (filter.sensorType !== undefined) query = query.where('sensor_type', '=', filter.sensorType);
    if (filter.customSensor !== undefined) query = query.where('custom_sensor', '=', filter.customSensor);
    return (await query.execute()).map(ruleFromRow);
  }

  async listEnabledRules(sensorTypes: readonly SensorType[]): Promise<Rule[]> {
    if (sensorTypes.length === 0) return [];
    const rows = await this.db
      .selectFrom('rules')
      .selectAll()
      .where('enabled', '=', 1)
      .where('sensor_type', 'in', [...sensorTypes])
      .orderBy('id')
      .execute();
    return rows.map(ruleFromRow);
  }

  async changeRule(id: string, change: (current: Rule) => RuleChange): Promise<Rule | undefined> {
    let changed: Rule | undefined;
    await this.transact(async (trx) => {
      const current = await this.writer.holdRule(trx, id);
      if (current === undefined) return undefined;
      const { rule, changeOpen } = change(current);
      const { id: _sameId, ...row } = ruleToRow(rule);
      await trx.updateTable('rules').set(row).where('id', '=', id).execute();
      changed = rule;
      if (!changeOpen) return NOTHING;
      return this.writer.write(trx, changeOpen(await this.writer.openAlertsOfRule(trx, id)));
    });
    return changed;
  }

  deleteRule(id: string, close: ChangeOpenAlerts): Promise<boolean> {
    return this.transact(async (trx) => {
      const result = await trx.deleteFrom('rules').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return undefined;
      await trx.deleteFrom('evaluation_cursors').where('rule_id', '=', id).execute();
      return this.writer.write(trx, close(await this.writer.openAlertsOfRule(trx, id)));
    });
  }

  listDevicesWithOpenAlerts(afterDeviceId: string | undefined, limit: number): Promise<string[]> {
    return listDevicesWithOpenAlerts(this.db, afterDeviceId, limit);
  }

  async changeOpenAlertsOfDevice(deviceId: string, change: ChangeOpenAlerts): Promise<void> {
    await this.transact(async (trx) =>
      this.writer.write(trx, change(await this.writer.openAlertsOfDevice(trx, deviceId))),
    );
  }

  async recordDecommissionedDevice(deviceId: string, time: number): Promise<void> {
    await this.db
      .insertInto('decommissioned_devices')
      .values({ device_id: deviceId, learnt_time: time })
      .onConflict((conflict) => conflict.column('device_id').doNothing())
      .execute();
  }

  findDecommissionedDevices(deviceIds: readonly string[]): Promise<Set<string>> {
    return findDecommissionedDevices(this.db, deviceIds);
  }

  async findCursor(ruleId: string, deviceId: string): Promise<EvaluationCursor | undefined> {
    const row = await this.db
      .selectFrom('evaluation_cursors')
      .select(['reading_time', 'reading_id', 'earlier_ids_at_time'])
      .where('rule_id', '=', ruleId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return row && cursorFromRow(row);
  }

  async findOpenAlert(ruleId: string, deviceId: string): Promise<StoredAlert | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('open_key', '=', `${ruleId}/${deviceId}`)
      .executeTakeFirst();
    return row && alertFromRow(row);
  }

  findEvaluationStates(
    targets: readonly { ruleId: string; deviceId: string }[],
  ): Promise<Map<string, EvaluationState>> {
    return readEvaluationStates(this.db, targets);
  }

  findQuantityCursors(quantities: readonly WatchedQuantity[]): Promise<Map<string, EvaluationCursor>> {
    return readQuantityCursors(this.db, quantities);
  }

  async applyEvaluations(
    writes: readonly EvaluationWrite[],
    quantityCursors: readonly QuantityCursorWrite[] = [],
  ): Promise<void> {
    if (writes.length === 0) return;
    // Quantity cursors by key, then rules' cursors and alert rows by rule and device, after the rules
    // (see AlertChangeWriter for the order).
    const quantities = [...quantityCursors].sort((a, b) =>
      byKey(quantityKey(a.quantity), quantityKey(b.quantity)),
    );
    const sorted = [...writes].sort((a, b) =>
      byKey(evaluationKey(a.ruleId, a.deviceId), evaluationKey(b.ruleId, b.deviceId)),
    );
    await this.transact(async (trx) => {
      await this.writer.holdJudgingRules(
        trx,
        writes.map((write) => write.rule),
      );
      for (const write of quantities) await this.writer.moveQuantityCursor(trx, write);
      for (const write of sorted) await this.writer.moveCursor(trx, write);
      return this.writer.write(trx, {
        writes: sorted.flatMap((w) => w.changes.writes),
        events: writes.flatMap((w) => w.changes.events),
        outbox: writes.flatMap((w) => w.changes.outbox),
      });
    });
  }

  applyEvaluation(write: EvaluationWrite): Promise<void> {
    return this.applyEvaluations([write]);
  }

  async applyChanges(changes: ChangeBatch): Promise<void> {
    await this.transact((trx) => this.writer.write(trx, changes));
  }

  async findAlert(id: string): Promise<StoredAlert | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && alertFromRow(row);
  }

  listAlerts(filter: AlertFilter, after: AlertPosition | undefined, limit: number): Promise<Alert[]> {
    return listAlerts(this.db, filter, after, limit);
  }

  listEvents(afterSequence: number, filter: AlertFilter, limit: number): Promise<AlertEvent[]> {
    return listEvents(this.db, afterSequence, filter, limit);
  }

  async lastEventSequence(): Promise<number> {
    const row = await this.db
      .selectFrom('alert_events')
      .select((eb) => eb.fn.max('sequence').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  pruneResolvedAlerts(before: number, limit: number): Promise<PrunedAlerts> {
    return pruneResolvedAlerts(this.db, before, limit);
  }

  pruneIdleCursors(before: number, limit: number): Promise<number> {
    return pruneIdleCursors(this.db, before, limit);
  }

  pruneIdleQuantityCursors(before: number, limit: number): Promise<number> {
    return pruneIdleQuantityCursors(this.db, before, limit);
  }

  prunedEventsThrough(deviceId?: string): Promise<number> {
    return prunedEventsThrough(this.db, deviceId);
  }

  onCommit(listener: (notice: CommitNotice) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /** Runs `work` in a transaction; resolves false when it returned undefined (nothing found). */
  private async transact(work: (trx: Trx) => Promise<CommitNotice | undefined>): Promise<boolean> {
    const notice = await this.db
      .transaction()
      .execute(work)
      .catch((error: unknown) => {
        throw asConcurrentChange(error);
      });
    if (notice === undefined) return false;
    if (notice.eventTypes.length > 0 || notice.outbox)
      for (const listener of this.listeners) listener(notice);
    return true;
  }
}
