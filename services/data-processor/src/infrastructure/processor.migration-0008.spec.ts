import { createDatabase, type StorageSettings } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore, type DatabaseKind } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { Window, type WindowKey } from '../aggregates/domain/window.js';
import { foldReadings } from '../aggregates/domain/window-aggregate.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';
import { processorMigrations } from './processor.migrations.js';
import type { ProcessorDatabase } from './processor.schema.js';

const H = Date.UTC(2026, 0, 15, 10);
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const SUM_COMPENSATION = '0008_window_sum_compensation';

const key = (deviceId: string): WindowKey => ({
  deviceId,
  sensorType: TEMP,
  customSensor: '',
  window: Window.WINDOW_ONE_HOUR,
  startTime: H,
});

/** A fresh database for the enclosing describe block, and the settings a store opens it with. */
function freshDatabase(kind: DatabaseKind, name: string) {
  return freshStore(kind, name, (settings: StorageSettings) => {
    const db = createDatabase<unknown>(settings);
    return Promise.resolve({ db, settings, close: () => db.destroy() });
  });
}

const recorded = async (db: Kysely<unknown>, table: string) =>
  (await sql<{ name: string }>`SELECT name FROM ${sql.table(table)} ORDER BY name`.execute(db)).rows.map(
    (row) => row.name,
  );

/** The processor of this release writes a reading into a window. */
async function writeWindow(settings: StorageSettings, deviceId: string): Promise<void> {
  const store = await KyselyProcessorStore.open(settings);
  try {
    const readings = [{ ...key(deviceId), value: 21, timestamp: H }];
    await store.inTransaction(async (tx) =>
      tx.saveWindows(foldReadings([key(deviceId)], await tx.lockWindows([key(deviceId)]), readings)),
    );
  } finally {
    await store.close();
  }
}

describe.each(DATABASE_KINDS)('0008 on a processor store, on %s', (kind) => {
  const opened = freshDatabase(kind, 'processor_tracks_0008');

  it('stays on the main track, where the release that brought it finds it run', async () => {
    const { db, settings } = opened();
    await writeWindow(settings, 'canary-1');

    expect(await recorded(db, 'kysely_migration')).toContain(SUM_COMPENSATION);
    // Kysely's Migrator on its default tables, as that release runs it: nothing left to run.
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(processorMigrations(kind)) },
    });
    await expect(migrator.migrateToLatest()).resolves.toEqual({ results: [] });
  });

  it('runs again on a store that has its column: the column stays, with its values', async () => {
    const { db, settings } = opened();
    await writeWindow(settings, 'canary-2');
    // As a store whose record of 0008 an operator deleted by hand, to let a release before it start.
    await sql`DELETE FROM kysely_migration WHERE name = ${SUM_COMPENSATION}`.execute(db);

    await writeWindow(settings, 'canary-2');
    expect(await recorded(db, 'kysely_migration')).toContain(SUM_COMPENSATION);
    const windows = db as Kysely<ProcessorDatabase>;
    const rows = await windows
      .selectFrom('windows')
      .select(['device_id', 'count', 'sum_compensation'])
      .where('device_id', '=', 'canary-2')
      .execute();
    expect(rows).toEqual([{ device_id: 'canary-2', count: 2, sum_compensation: 0 }]);
  });
});
