import {
  allowLongStatements,
  createDatabase,
  migrateToLatest,
  type StorageSettings,
} from '@iot-mesh/storage';
import type { Kysely } from 'kysely';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import { KyselyPendingEvaluations } from './kysely-pending-evaluations.js';
import { KyselyReadingsTransaction } from './kysely-readings.transaction.js';
import type {
  LatestWindowsQuery,
  ProcessorStore,
  PruneHorizons,
  ReadingsTransaction,
  WindowQuery,
} from './processor-store.port.js';
import { processorMigrations } from './processor.migrations.js';
import { processorStatements, type ProcessorStatements } from './processor.statements.js';
import type { ProcessorDatabase } from './processor.schema.js';
import { WindowCache } from './window-cache.js';
import { fromWindowRow } from './window.rows.js';

/** The processor store on SQLite (embedded default) or PostgreSQL, through Kysely. */
export class KyselyProcessorStore implements ProcessorStore {
  readonly pendingEvaluations: KyselyPendingEvaluations;

  private constructor(
    private readonly db: Kysely<ProcessorDatabase>,
    // SQLite runs one writer at a time and has no SELECT ... FOR UPDATE; PostgreSQL needs row locks.
    private readonly rowLocks: boolean,
    /** Decoded sketches of the windows this process wrote last; see WindowCache. */
    private readonly cache: WindowCache,
    private readonly statements: ProcessorStatements,
  ) {
    this.pendingEvaluations = new KyselyPendingEvaluations(db);
  }

  static async open(settings: StorageSettings, cachedWindows = 4096): Promise<KyselyProcessorStore> {
    const db = createDatabase<ProcessorDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, processorMigrations(settings.kind));
    const rowLocks = settings.kind === 'postgres';
    return new KyselyProcessorStore(
      db,
      rowLocks,
      new WindowCache(cachedWindows),
      processorStatements(db, rowLocks),
    );
  }

  async inTransaction<T>(work: (transaction: ReadingsTransaction) => Promise<T>): Promise<T> {
    let transaction: KyselyReadingsTransaction | undefined;
    const result = await this.db.transaction().execute((trx) => {
      transaction = new KyselyReadingsTransaction(trx, this.rowLocks, this.cache, this.statements);
      return work(transaction);
    });
    // Only committed writes are cached: a rolled-back one left the rows as they were.
    for (const [id, entry] of transaction!.written) this.cache.put(id, entry);
    return result;
  }

  async findWindows(query: WindowQuery): Promise<WindowAggregate[]> {
    let select = this.db
      .selectFrom('windows')
      .selectAll()
      .where('device_id', '=', query.deviceId)
      .where('sensor_type', '=', query.sensorType)
      .where('window_size', '=', query.window)
      .where('count', '>', 0)
      .orderBy('start_time', 'desc')
      .orderBy('custom_sensor')
      .limit(query.limit);
    const { customSensor, endAfter, after } = query;
    if (customSensor !== undefined) select = select.where('custom_sensor', '=', customSensor);
    if (endAfter !== undefined) select = select.where('end_time', '>', endAfter);
    if (after !== undefined) {
      // Times descend but names ascend, so no one row-value comparison says "after"; the bound on
      // start_time alone keeps the lookup an index range.
      select = select.where((eb) =>
        eb.and([
          eb('start_time', '<=', after.startTime),
          eb.or([eb('start_time', '<', after.startTime), eb('custom_sensor', '>', after.customSensor)]),
        ]),
      );
    }
    return (await select.execute()).map(fromWindowRow);
  }

  async listLatestWindows(query: LatestWindowsQuery): Promise<WindowAggregate[]> {
    const { sensorType, window, customSensor, after } = query;
    let select = this.db
      .selectFrom('windows as w')
      .selectAll('w')
      .where('w.sensor_type', '=', sensorType)
      .where('w.window_size', '=', window)
      .where('w.count', '>', 0)
      .where('w.start_time', '=', (eb) =>
        eb
          .selectFrom('windows as latest')
          .select((inner) => inner.fn.max('latest.start_time').as('start_time'))
          .whereRef('latest.device_id', '=', 'w.device_id')
          .whereRef('latest.custom_sensor', '=', 'w.custom_sensor')
          .where('latest.sensor_type', '=', sensorType)
          .where('latest.window_size', '=', window)
          .where('latest.count', '>', 0),
      )
      .orderBy('w.device_id')
      .orderBy('w.custom_sensor')
      .limit(query.limit);
    if (customSensor !== undefined) select = select.where('w.custom_sensor', '=', customSensor);
    if (after !== undefined) {
      select = select.where((eb) =>
        eb(eb.refTuple('w.device_id', 'w.custom_sensor'), '>', eb.tuple(after.deviceId, after.customSensor)),
      );
    }
    return (await select.execute()).map(fromWindowRow);
  }

  /** Free of the statement timeouts: one pass may delete many rows, and cut every time it would never catch up. */
  prune(before: PruneHorizons): Promise<{ windows: number; readings: number }> {
    return allowLongStatements(async () => {
      const windows = await this.db
        .deleteFrom('windows')
        .where('end_time', '<', before.windowsEndedBefore)
        .executeTakeFirst();
      const readings = await this.db
        .deleteFrom('seen_readings')
        .where('seen_time', '<', before.readingsSeenBefore)
        .executeTakeFirst();
      return { windows: Number(windows.numDeletedRows), readings: Number(readings.numDeletedRows) };
    });
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
