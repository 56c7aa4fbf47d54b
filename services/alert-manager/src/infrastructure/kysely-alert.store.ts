import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { Alert, AlertEvent, StoredAlert } from '../alerts/domain/alert.js';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { Rule } from '../rules/domain/rule.js';
import { alertMigrations } from './alert.migrations.js';
import type { AlertDatabase } from './alert.schema.js';
import { AlertChangeWriter } from './alert-change.writer.js';
import { alertFromRow, eventFromRow, ruleFromRow, ruleToRow } from './alert-rows.js';
import { KyselyNotificationOutbox } from './kysely-notification.outbox.js';
import {
  ConcurrentChangeError,
  type AlertFilter,
  type AlertPosition,
  type AlertStore,
  type ChangeBatch,
  type CloseOpenAlerts,
  type CommitNotice,
  type EvaluationWrite,
} from './alert-store.port.js';

type Trx = Transaction<AlertDatabase>;
const NOTHING: CommitNotice = { events: false, outbox: false };

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
    await migrateToLatest(db as Kysely<unknown>, alertMigrations(settings.kind));
    return new KyselyAlertStore(db, new AlertChangeWriter(settings.kind));
  }

  async insertRule(rule: Rule): Promise<void> {
    await this.db.insertInto('rules').values(ruleToRow(rule)).execute();
  }

  async findRule(id: string): Promise<Rule | undefined> {
    const row = await this.db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && ruleFromRow(row);
  }

  async listRules(filter: { sensorType?: SensorType }, afterId: string | undefined, limit: number) {
    let query = this.db.selectFrom('rules').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    if (filter.sensorType !== undefined) query = query.where('sensor_type', '=', filter.sensorType);
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

  updateRule(rule: Rule, close?: CloseOpenAlerts): Promise<boolean> {
    return this.transact(async (trx) => {
      const { id, ...row } = ruleToRow(rule);
      const result = await trx.updateTable('rules').set(row).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      if (!close) return NOTHING;
      return this.writer.write(trx, close(await this.writer.openAlertsOfRule(trx, id)));
    });
  }

  deleteRule(id: string, close: CloseOpenAlerts): Promise<boolean> {
    return this.transact(async (trx) => {
      const result = await trx.deleteFrom('rules').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return undefined;
      await trx.deleteFrom('evaluation_cursors').where('rule_id', '=', id).execute();
      return this.writer.write(trx, close(await this.writer.openAlertsOfRule(trx, id)));
    });
  }

  async findCursor(ruleId: string, deviceId: string): Promise<EvaluationCursor | undefined> {
    const row = await this.db
      .selectFrom('evaluation_cursors')
      .select(['reading_time', 'reading_id'])
      .where('rule_id', '=', ruleId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return row && { readingTime: Number(row.reading_time), readingId: row.reading_id };
  }

  async findOpenAlert(ruleId: string, deviceId: string): Promise<StoredAlert | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('open_key', '=', `${ruleId}/${deviceId}`)
      .executeTakeFirst();
    return row && alertFromRow(row);
  }

  async applyEvaluation(write: EvaluationWrite): Promise<void> {
    await this.transact(async (trx) => {
      const opens = write.changes.writes.some((w) => w.expectedRevision === null);
      if (opens && !(await this.writer.ruleIsLive(trx, write.ruleId))) {
        throw new ConcurrentChangeError(`rule ${write.ruleId} was deleted or disabled`);
      }
      await this.writer.moveCursor(trx, write);
      return this.writer.write(trx, write.changes);
    });
  }

  async applyChanges(changes: ChangeBatch): Promise<void> {
    await this.transact((trx) => this.writer.write(trx, changes));
  }

  async findAlert(id: string): Promise<StoredAlert | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && alertFromRow(row);
  }

  async listAlerts(filter: AlertFilter, after: AlertPosition | undefined, limit: number): Promise<Alert[]> {
    let query = filtered(this.db.selectFrom('alerts').selectAll(), filter)
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

  async listEvents(afterSequence: number, filter: AlertFilter, limit: number): Promise<AlertEvent[]> {
    const rows = await filtered(this.db.selectFrom('alert_events').selectAll(), filter)
      .where('sequence', '>', afterSequence)
      .orderBy('sequence')
      .limit(limit)
      .execute();
    return rows.map(eventFromRow);
  }

  async lastEventSequence(): Promise<number> {
    const row = await this.db
      .selectFrom('alert_events')
      .select((eb) => eb.fn.max('sequence').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  onCommit(listener: (notice: CommitNotice) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /** Runs `work` in a transaction; resolves false when it returned undefined (nothing found). */
  private async transact(work: (trx: Trx) => Promise<CommitNotice | undefined>): Promise<boolean> {
    const notice = await this.db.transaction().execute(work);
    if (notice === undefined) return false;
    if (notice.events || notice.outbox) for (const listener of this.listeners) listener(notice);
    return true;
  }
}
