import { createDatabase } from '@iot-mesh/storage';
import { freshStore } from '@iot-mesh/storage/testing';
import { eventually } from '@iot-mesh/platform/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { sql, type Kysely } from 'kysely';
import { Window, windowId, type WindowKey } from '../aggregates/domain/window.js';
import {
  foldReadings,
  windowsTouchedBy,
  type AggregatedReading,
} from '../aggregates/domain/window-aggregate.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';
import type { ProcessorDatabase } from './processor.schema.js';
import { compareLockOrder } from './window-lock-order.js';

const HOUR = Date.UTC(2026, 0, 15, 10);
const MINUTE_10 = HOUR + 10 * 60_000;
const MINUTE_30 = HOUR + 30 * 60_000;
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
// 100 devices: a call of one reading each has 300 windows, more than one locking statement takes (200).
const DEVICES = Array.from({ length: 100 }, (_, i) => `d${String(i).padStart(3, '0')}`);

const at = (deviceId: string, timestamp: number): AggregatedReading => ({
  deviceId,
  sensorType: TEMP,
  customSensor: '',
  value: 20,
  timestamp,
});

/** What one ProcessReadings call does with the windows of these readings. */
const fold = (store: KyselyProcessorStore, readings: AggregatedReading[]) =>
  store.inTransaction(async (tx) => {
    const keys = windowsTouchedBy(readings, HOUR, Infinity);
    await tx.saveWindows(foldReadings(keys, await tx.lockWindows(keys), readings));
  });

describe('window locks on PostgreSQL', () => {
  const opened = freshStore('postgres', 'processor_window_locks', async (given) => {
    const store = await KyselyProcessorStore.open(given);
    const db = createDatabase<ProcessorDatabase>(given);
    return { store, db, close: async () => void (await Promise.all([store.close(), db.destroy()])) };
  });
  const lockWaits = async (db: Kysely<ProcessorDatabase>) => {
    const { rows } = await sql<{ waiting: number }>`select count(*) as waiting from pg_stat_activity
      where wait_event_type = 'Lock' and datname = current_database()`.execute(db);
    return rows[0].waiting;
  };

  beforeAll(async () => {
    // Every window exists, so the calls below only lock rows and insert none.
    await fold(opened().store, [...DEVICES.map((d) => at(d, MINUTE_10)), at('d000', MINUTE_30)]);
  });

  it('reads the windows of a call in lock order, chunk after chunk', async () => {
    const { store } = opened();
    // Names whose order differs between UTF-16 units, case-insensitive collations and bytes.
    const names = ['B', 'a', 'a-2', 'a1', 'é', '\ufffd', '😀', ...DEVICES];
    const readings = names.flatMap((name) => [at(name, MINUTE_10), at(name, MINUTE_30)]);
    await fold(store, readings);
    const keys = windowsTouchedBy(readings, HOUR, Infinity);
    const read = await store.inTransaction((tx) => tx.lockWindows(keys));
    expect(read.size).toBe(keys.length);
    expect([...read.keys()]).toEqual([...keys].sort(compareLockOrder).map(windowId));
  });

  it('holds, while it waits for a window, the windows before it in lock order and none after', async () => {
    const { store, db } = opened();
    const readings = DEVICES.map((d) => at(d, MINUTE_10));
    const keys = windowsTouchedBy(readings, HOUR, Infinity);
    const blocked: WindowKey = {
      deviceId: 'd050',
      sensorType: TEMP,
      customSensor: '',
      window: Window.WINDOW_ONE_MINUTE,
      startTime: MINUTE_10,
    };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const blockerLocked = new Promise<void>((resolve) => (locked = resolve));
    const blocker = db.transaction().execute(async (trx) => {
      await sql`select 1 from windows where device_id = ${blocked.deviceId}
        and window_size = ${blocked.window} for update`.execute(trx);
      locked();
      await released;
    });
    await blockerLocked;
    const call = fold(store, readings);
    try {
      await eventually(async () => ((await lockWaits(db)) > 0 ? true : undefined), 'the call to wait');
      // The rows nobody holds; those missing are held by the call (or the blocker).
      const free = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ device_id: string; window_size: number; start_time: number }>`
          select device_id, window_size, start_time from windows for update skip locked`.execute(trx);
        return new Set(rows.map((r) => `${r.device_id}/${r.window_size}/${Number(r.start_time)}`));
      });
      const heldByCall = keys
        .filter((k) => compareLockOrder(k, blocked) !== 0)
        .filter((k) => !free.has(`${k.deviceId}/${k.window}/${k.startTime}`));
      const before = keys.filter((k) => compareLockOrder(k, blocked) < 0);
      expect(heldByCall.map(windowId).sort()).toEqual(before.map(windowId).sort());
    } finally {
      release();
      await blocker;
      await call;
    }
  });

  it('lets a many-device call and a one-device call run side by side without deadlocking', async () => {
    const { store } = opened();
    const lastMinute = async () => {
      const minutes = await store.findWindows({
        deviceId: 'd099',
        sensorType: TEMP,
        window: Window.WINDOW_ONE_MINUTE,
        limit: 10,
      });
      return minutes.find((w) => w.startTime === MINUTE_10)!.count;
    };
    const before = await lastMinute();
    const outcomes: string[] = [];
    for (let round = 0; round < 40; round++) {
      // The many-device call takes two locking statements; the other wants the first device's 1 h
      // window and the last device's 1 min one.
      const settled = await Promise.allSettled([
        fold(
          store,
          DEVICES.map((d) => at(d, MINUTE_10)),
        ),
        fold(store, [at('d000', MINUTE_30), at('d099', MINUTE_10)]),
      ]);
      for (const s of settled) outcomes.push(s.status === 'fulfilled' ? 'ok' : String(s.reason));
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    await expect(lastMinute()).resolves.toBe(before + 40 + 40);
  });
});
