import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore, type DatabaseKind } from '@iot-mesh/storage/testing';
import { Reading, SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { QuantileSketch } from '../aggregates/domain/quantile-sketch.js';
import { Window, type WindowKey } from '../aggregates/domain/window.js';
import { foldReadings, summarizeWindow } from '../aggregates/domain/window-aggregate.js';
import { KyselyPendingEvaluations } from './kysely-pending-evaluations.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';
import { processorMigrations } from './processor.migrations.js';
import type { ProcessorDatabase } from './processor.schema.js';

const H = Date.UTC(2026, 0, 15, 10);
const HOUR_WINDOW = Window.WINDOW_ONE_HOUR;
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;

/** The windows table as migration 0004 left it. */
type WindowsAt0004 = { windows: Omit<ProcessorDatabase['windows'], 'custom_sensor' | 'sum_compensation'> };
/** The windows table as migration 0007 left it. */
type WindowsAt0007 = { windows: Omit<ProcessorDatabase['windows'], 'sum_compensation'> };
/** The pending_evaluations table as migration 0006 left it. */
type PendingAt0006 = {
  pending_evaluations: Omit<ProcessorDatabase['pending_evaluations'], 'failed_time'>;
};

const sketchOf = (...values: number[]) => {
  const sketch = QuantileSketch.empty();
  values.forEach((v) => sketch.add(v));
  return Buffer.from(sketch.toBytes());
};
const oldRow = (deviceId: string, sensorType: SensorType, values: number[], revision: number) => ({
  device_id: deviceId,
  sensor_type: sensorType,
  window_size: HOUR_WINDOW,
  start_time: H,
  end_time: H + 3_600_000,
  count: values.length,
  min: Math.min(...values),
  max: Math.max(...values),
  sum: values.reduce((a, b) => a + b, 0),
  sketch: sketchOf(...values),
  revision,
});

/** An index's columns in order, as the database reports them. */
async function indexColumns(db: Kysely<unknown>, kind: DatabaseKind, index: string): Promise<string[]> {
  const { rows } = await (
    kind === 'sqlite'
      ? sql<{ name: string }>`select name from pragma_index_info(${index}) order by seqno`
      : sql<{ name: string }>`select a.attname as name from pg_class c
        join pg_index i on i.indexrelid = c.oid
        cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where c.relname = ${index} order by k.position`
  ).execute(db);
  return rows.map((row) => row.name);
}

/** A partial index's condition as the database reports it, reduced to lower case without quotes or brackets. */
async function indexCondition(db: Kysely<unknown>, kind: DatabaseKind, index: string): Promise<string> {
  const { rows } = await (
    kind === 'sqlite'
      ? sql<{ condition: string }>`select case when instr(lower(sql), ' where ') > 0
        then substr(sql, instr(lower(sql), ' where ') + 7) else '' end as condition
        from sqlite_master where type = 'index' and name = ${index}`
      : sql<{ condition: string }>`select pg_get_expr(i.indpred, i.indrelid) as condition from pg_class c
        join pg_index i on i.indexrelid = c.oid where c.relname = ${index}`
  ).execute(db);
  return (rows[0]?.condition ?? '').toLowerCase().replace(/["()]/g, '');
}

/** A fresh database for the enclosing describe block, and the settings a store opens it with. */
function freshDatabase<Database>(kind: DatabaseKind, name: string) {
  return freshStore(kind, name, (settings: StorageSettings) => {
    const db = createDatabase<Database>(settings);
    return Promise.resolve({ db, settings, close: () => db.destroy() });
  });
}

/** Migrates `db` to just before `migration`. */
async function migrateBefore(db: Kysely<unknown>, kind: DatabaseKind, migration: string): Promise<void> {
  const migrations = processorMigrations(kind);
  const names = Object.keys(migrations);
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error } = await migrator.migrateTo(names[names.indexOf(migration) - 1]);
  expect(error).toBeUndefined();
}

describe.each(DATABASE_KINDS)('migration 0005_window_custom_sensor on %s', (kind) => {
  const opened = freshDatabase<WindowsAt0004>(kind, 'processor_migration');

  it('keeps the windows written before it, under the name "", and keys windows by custom quantity', async () => {
    const { db, settings } = opened();
    await migrateBefore(db as Kysely<unknown>, kind, '0005_window_custom_sensor');
    const before = [oldRow('old-1', TEMP, [1, 3], 7), oldRow('old-2', CUSTOM, [400, 40], 8)];
    await db.insertInto('windows').values(before).execute();

    await migrateToLatest(db as Kysely<unknown>, processorMigrations(kind));
    const after = await (db as unknown as Kysely<ProcessorDatabase>)
      .selectFrom('windows')
      .selectAll()
      .orderBy('device_id')
      .execute();
    expect(after.map((row) => ({ ...row, sketch: Buffer.from(row.sketch) }))).toEqual(
      before.map((row) => ({ ...row, custom_sensor: '', sum_compensation: 0 })),
    );
    expect(await indexColumns(db as Kysely<unknown>, kind, 'windows_by_sensor')).toEqual([
      'sensor_type',
      'window_size',
      'device_id',
      'custom_sensor',
      'start_time',
    ]);
    expect(await indexColumns(db as Kysely<unknown>, kind, 'windows_end')).toEqual(['end_time']);

    // The store goes on with the old rows, and two custom quantities share a window start.
    const store = await KyselyProcessorStore.open(settings);
    try {
      const key = (deviceId: string, sensorType: SensorType, customSensor: string): WindowKey => ({
        deviceId,
        sensorType,
        customSensor,
        window: HOUR_WINDOW,
        startTime: H,
      });
      const keys = [key('old-1', TEMP, ''), key('old-2', CUSTOM, 'co2'), key('old-2', CUSTOM, 'noise')];
      const readings = keys.map((k, i) => ({ ...k, value: [5, 500, 50][i], timestamp: H }));
      await store.inTransaction(async (tx) =>
        tx.saveWindows(foldReadings(keys, await tx.lockWindows(keys), readings)),
      );
      const windows = async (deviceId: string, sensorType: SensorType) =>
        (await store.findWindows({ deviceId, sensorType, window: HOUR_WINDOW, limit: 10 })).map((w) => [
          w.customSensor,
          w.count,
          w.sum,
        ]);
      await expect(windows('old-1', TEMP)).resolves.toEqual([['', 3, 9]]);
      await expect(windows('old-2', CUSTOM)).resolves.toEqual([
        ['', 2, 440],
        ['co2', 1, 500],
        ['noise', 1, 50],
      ]);
    } finally {
      await store.close();
    }
  });
});

describe.each(DATABASE_KINDS)('migration 0007_pending_evaluation_failed_time on %s', (kind) => {
  const opened = freshDatabase<PendingAt0006>(kind, 'processor_migration_failed_time');
  const queued = (readingId: string, deviceId: string) => ({
    device_id: deviceId,
    reading: Buffer.from(
      Reading.encode({
        readingId,
        deviceId,
        sensorType: TEMP,
        value: 90,
        unit: 'celsius',
        timestamp: { seconds: H / 1000, nanos: 0 },
        customSensor: '',
      }).finish(),
    ),
  });

  it('keeps the readings queued before it pending, in order, and indexes the pending ones only', async () => {
    const { db } = opened();
    await migrateBefore(db as Kysely<unknown>, kind, '0007_pending_evaluation_failed_time');
    await db
      .insertInto('pending_evaluations')
      .values([queued('q-1', 'quay-1'), queued('r-1', 'roof-1'), queued('q-2', 'quay-1')])
      .execute();

    await migrateToLatest(db as Kysely<unknown>, processorMigrations(kind));
    const migrated = db as unknown as Kysely<ProcessorDatabase>;
    const rows = await migrated.selectFrom('pending_evaluations').select('failed_time').execute();
    expect(rows).toEqual([{ failed_time: null }, { failed_time: null }, { failed_time: null }]);
    const pending = new KyselyPendingEvaluations(migrated);
    const ids = (found: { reading: Reading }[]) => found.map((p) => p.reading.readingId);
    const [q1] = await pending.oldest(10);
    await expect(pending.oldest(10).then(ids)).resolves.toEqual(['q-1', 'r-1', 'q-2']);
    await expect(pending.markFailed(q1.sequence, H)).resolves.toBe(true);
    await expect(pending.oldest(10).then(ids)).resolves.toEqual(['r-1', 'q-2']);
    await expect(pending.oldestOf(['quay-1'], 10).then(ids)).resolves.toEqual(['q-2']);

    for (const [index, columns] of [
      ['pending_evaluations_by_device', ['device_id', 'sequence']],
      ['pending_evaluations_queue', ['sequence']],
    ] as const) {
      expect(await indexColumns(db as Kysely<unknown>, kind, index)).toEqual(columns);
      expect(await indexCondition(db as Kysely<unknown>, kind, index)).toBe('failed_time is null');
    }
  });
});

describe.each(DATABASE_KINDS)('migration 0008_window_sum_compensation on %s', (kind) => {
  const opened = freshDatabase<WindowsAt0007>(kind, 'processor_migration_sum_compensation');

  it('keeps the windows written before it, with their plain sum, and folds on with a compensated one', async () => {
    const { db, settings } = opened();
    await migrateBefore(db as Kysely<unknown>, kind, '0008_window_sum_compensation');
    // Three 0.1 as a plain running sum adds them: 0.30000000000000004.
    const before = { ...oldRow('tenth-1', CUSTOM, [0.1, 0.1, 0.1], 7), custom_sensor: 'level' };
    await db.insertInto('windows').values(before).execute();

    await migrateToLatest(db as Kysely<unknown>, processorMigrations(kind));
    const store = await KyselyProcessorStore.open(settings);
    try {
      const key: WindowKey = {
        deviceId: 'tenth-1',
        sensorType: CUSTOM,
        customSensor: 'level',
        window: HOUR_WINDOW,
        startTime: H,
      };
      const stored = () =>
        store.findWindows({ deviceId: 'tenth-1', sensorType: CUSTOM, window: HOUR_WINDOW, limit: 10 });
      const [old] = await stored();
      expect(old).toMatchObject({ count: 3, sum: 0.30000000000000004, sumCompensation: 0 });
      expect(summarizeWindow(old, H, 0).avg).toBe(0.1); // kept within [min, max]

      const readings = Array.from({ length: 7 }, () => ({ ...key, value: 0.1, timestamp: H }));
      await store.inTransaction(async (tx) =>
        tx.saveWindows(foldReadings([key], await tx.lockWindows([key]), readings)),
      );
      const [folded] = await stored();
      expect(folded.count).toBe(10);
      // A plain running sum of the ten is 0.9999999999999999.
      expect(folded.sum + folded.sumCompensation).toBe(1);
      expect(summarizeWindow(folded, H, 0).avg).toBe(0.1);
    } finally {
      await store.close();
    }
  });
});
