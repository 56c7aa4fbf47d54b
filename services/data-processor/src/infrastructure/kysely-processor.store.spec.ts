import { readingIdentity } from '@iot-mesh/platform';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { QuantileSketch } from '../aggregates/domain/quantile-sketch.js';
import { Window, windowEnd, windowId, type WindowKey } from '../aggregates/domain/window.js';
import { foldReadings, type WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';

const T0 = Date.UTC(2026, 0, 15, 10);
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const key = (deviceId: string, startTime = T0, window = Window.WINDOW_ONE_HOUR): WindowKey => ({
  deviceId,
  sensorType: TEMP,
  customSensor: '',
  window: window as WindowKey['window'],
  startTime,
});
function aggregate(k: WindowKey, values: number[]): WindowAggregate {
  const sketch = QuantileSketch.empty();
  values.forEach((v) => sketch.add(v));
  return {
    ...k,
    endTime: windowEnd(k),
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    sum: values.reduce((a, b) => a + b, 0),
    sumCompensation: 0,
    sketch: sketch.toBytes(),
  };
}

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(DATABASE_KINDS)('processor store contract on %s', (kind) => {
  const opened = freshStore(kind, 'processor_contract', (settings) => KyselyProcessorStore.open(settings));
  let store: KyselyProcessorStore;
  beforeAll(() => {
    store = opened();
  });

  it('remembers reading ids per device and reports only the new ones', async () => {
    const first = await store.inTransaction((tx) =>
      tx.recordNewReadings(
        [
          { deviceId: 'a', readingId: 'r1' },
          { deviceId: 'a', readingId: 'r2' },
        ],
        T0,
      ),
    );
    expect(first).toHaveLength(2);
    const again = await store.inTransaction((tx) =>
      tx.recordNewReadings(
        [
          { deviceId: 'a', readingId: 'r2' },
          { deviceId: 'b', readingId: 'r2' },
          { deviceId: 'a', readingId: 'r3' },
          { deviceId: 'a', readingId: 'r3' },
        ],
        T0,
      ),
    );
    expect(again.map((r) => `${r.deviceId}/${r.readingId}`).sort()).toEqual(['a/r3', 'b/r2']);
    // What each call reported as new was stored, whether every reading was new or only some.
    const third = await store.inTransaction((tx) =>
      tx.recordNewReadings(
        ['r1', 'r2', 'r3']
          .map((readingId) => ({ deviceId: 'a', readingId }))
          .concat({ deviceId: 'b', readingId: 'r2' }),
        T0,
      ),
    );
    expect(third).toEqual([]);
  });

  it('keeps what each reading said when first seen', async () => {
    await store.inTransaction((tx) =>
      tx.recordNewReadings(
        [
          { deviceId: 'k', readingId: 'r1', contentHash: 2 ** 52 + 1 },
          { deviceId: 'k', readingId: 'r2' },
        ],
        T0,
      ),
    );
    const again = [
      { deviceId: 'k', readingId: 'r1', contentHash: 7 },
      { deviceId: 'k', readingId: 'r2', contentHash: 8 },
      { deviceId: 'k', readingId: 'r3', contentHash: 9 },
    ];
    const stored = await store.inTransaction(async (tx) => {
      await tx.recordNewReadings(again, T0);
      return tx.storedContents(again);
    });
    // The first content stays; a reading remembered without one has null; r3 is new in this transaction.
    expect([...stored.entries()].sort()).toEqual([
      [readingIdentity(again[0]), 2 ** 52 + 1],
      [readingIdentity(again[1]), null],
      [readingIdentity(again[2]), 9],
    ]);
  });

  it('keeps the content of the first copy when a call repeats an id, the copy that is counted', async () => {
    const copies = [
      { deviceId: 'k', readingId: 'twice', contentHash: 20 },
      { deviceId: 'k', readingId: 'twice', contentHash: 95 },
    ];
    const stored = await store.inTransaction(async (tx) => {
      await tx.recordNewReadings(copies, T0);
      return tx.storedContents(copies.slice(0, 1));
    });
    expect([...stored.values()]).toEqual([20]);
  });

  it('reports the new reading ids of a call larger than one statement, with known ones in any part', async () => {
    const ids = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ deviceId: 'many', readingId: `m-${from + i}` }));
    await store.inTransaction((tx) => tx.recordNewReadings([...ids(0, 10), ...ids(990, 1_000)], T0));
    // 1,200 ids span three inserts; the known ones sit in the first and the second.
    const fresh = await store.inTransaction((tx) => tx.recordNewReadings(ids(0, 1_200), T0));
    expect(fresh).toHaveLength(1_180);
    const freshIds = new Set(fresh.map((r) => r.readingId));
    expect(['m-0', 'm-9', 'm-990', 'm-999'].some((id) => freshIds.has(id))).toBe(false);
    expect(['m-10', 'm-989', 'm-1000', 'm-1199'].every((id) => freshIds.has(id))).toBe(true);
    await expect(store.inTransaction((tx) => tx.recordNewReadings(ids(0, 1_200), T0))).resolves.toEqual([]);
  });

  it('stores windows with their sketch bytes and their sum compensation intact and reads them back', async () => {
    const saved = { ...aggregate(key('a'), [-12.5, 3, 40.25, 1e6]), sumCompensation: -2.5e-14 };
    await store.inTransaction(async (tx) => {
      expect(await tx.lockWindows([key('a')])).toEqual(new Map());
      await tx.saveWindows([saved]);
    });
    const locked = await store.inTransaction((tx) => tx.lockWindows([key('a'), key('none')]));
    expect([...locked.keys()]).toEqual([windowId(key('a'))]);
    const read = locked.get(windowId(key('a')))!;
    expect(read).toEqual(saved);
    expect(Buffer.from(read.sketch).equals(Buffer.from(saved.sketch))).toBe(true);
    expect(Math.abs(QuantileSketch.fromBytes(read.sketch).percentile(100) / 1e6 - 1)).toBeLessThan(0.01);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await expect(
      store.inTransaction(async (tx) => {
        await tx.recordNewReadings([{ deviceId: 'c', readingId: 'lost' }], T0);
        await tx.lockWindows([key('c')]);
        await tx.saveWindows([aggregate(key('c'), [1])]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const fresh = await store.inTransaction((tx) =>
      tx.recordNewReadings([{ deviceId: 'c', readingId: 'lost' }], T0),
    );
    expect(fresh).toHaveLength(1);
    await expect(
      store.findWindows({ deviceId: 'c', sensorType: TEMP, window: Window.WINDOW_ONE_HOUR, limit: 10 }),
    ).resolves.toEqual([]);
  });

  it('finds one device’s windows newest first, by end time and cursor', async () => {
    const starts = [0, 1, 2, 3].map((h) => T0 + h * 3_600_000);
    await store.inTransaction((tx) => tx.saveWindows(starts.map((s) => aggregate(key('d', s), [s % 7]))));
    const query = { deviceId: 'd', sensorType: TEMP, window: Window.WINDOW_ONE_HOUR, limit: 10 } as const;
    const startsOf = (ws: WindowAggregate[]) => ws.map((w) => w.startTime);
    expect(startsOf(await store.findWindows(query))).toEqual([...starts].reverse());
    expect(startsOf(await store.findWindows({ ...query, endAfter: starts[2] }))).toEqual([
      starts[3],
      starts[2],
    ]);
    const after = { startTime: starts[3], customSensor: '' };
    expect(startsOf(await store.findWindows({ ...query, after, limit: 2 }))).toEqual([starts[2], starts[1]]);
  });

  it('lists the latest window of every device by device id', async () => {
    await store.inTransaction((tx) =>
      tx.saveWindows([
        aggregate(key('e-2', T0), [1]),
        aggregate(key('e-2', T0 + 3_600_000), [2]),
        aggregate(key('e-1', T0 - 3_600_000), [3]),
        aggregate({ ...key('e-3'), sensorType: SensorType.SENSOR_TYPE_HUMIDITY }, [4]),
        aggregate(key('e-4', T0, Window.WINDOW_ONE_MINUTE), [5]),
      ]),
    );
    const query = { sensorType: TEMP, window: Window.WINDOW_ONE_HOUR } as const;
    const latest = await store.listLatestWindows({
      ...query,
      after: { deviceId: 'd', customSensor: '' },
      limit: 10,
    });
    expect(latest.map((w) => [w.deviceId, w.startTime, w.max])).toEqual([
      ['e-1', T0 - 3_600_000, 3],
      ['e-2', T0 + 3_600_000, 2],
    ]);
    const after = await store.listLatestWindows({
      ...query,
      after: { deviceId: 'e-1', customSensor: '' },
      limit: 1,
    });
    expect(after.map((w) => w.deviceId)).toEqual(['e-2']);
  });

  it('serialises concurrent writers of the same new window, losing no reading', async () => {
    const k = key('g');
    const addOne = (readingId: string) =>
      store.inTransaction(async (tx) => {
        await tx.recordNewReadings([{ deviceId: 'g', readingId }], T0);
        const current = await tx.lockWindows([k]);
        await new Promise((resolve) => setTimeout(resolve, 20)); // hold the lock while the others queue
        const reading = { deviceId: 'g', sensorType: TEMP, customSensor: '', value: 1, timestamp: T0 };
        await tx.saveWindows(foldReadings([k], current, [reading]));
      });
    await Promise.all(['w1', 'w2', 'w3', 'w4'].map(addOne));
    const [window] = await store.findWindows({ ...k, limit: 1 });
    expect(window?.count).toBe(4);
  });

  it('prunes windows that ended and reading ids seen before their horizons', async () => {
    await store.inTransaction(async (tx) => {
      await tx.recordNewReadings([{ deviceId: 'f', readingId: 'old', time: T0 - 2 }], T0 - 1);
      await tx.recordNewReadings([{ deviceId: 'f', readingId: 'new' }], T0 + 1);
      // Arrived before the horizon, but stamped after it: seen from its own time.
      await tx.recordNewReadings([{ deviceId: 'f', readingId: 'ahead', time: T0 + 1 }], T0 - 1);
      // The first window ends before the horizon, the second exactly at it (kept).
      await tx.saveWindows([
        aggregate(key('f', T0 - 120_000, Window.WINDOW_ONE_MINUTE), [1]),
        aggregate(key('f', T0 - 60_000, Window.WINDOW_ONE_MINUTE), [2]),
      ]);
    });
    const deleted = await store.prune({ windowsEndedBefore: T0, readingsSeenBefore: T0 });
    expect(deleted.windows).toBeGreaterThanOrEqual(1);
    expect(deleted.readings).toBeGreaterThanOrEqual(1);
    const left = await store.findWindows({
      deviceId: 'f',
      sensorType: TEMP,
      window: Window.WINDOW_ONE_MINUTE,
      limit: 10,
    });
    expect(left.map((w) => w.startTime)).toEqual([T0 - 60_000]);
    const known = await store.inTransaction((tx) =>
      tx.recordNewReadings(
        ['old', 'new', 'ahead'].map((readingId) => ({ deviceId: 'f', readingId })),
        T0,
      ),
    );
    expect(known.map((r) => r.readingId)).toEqual(['old']);
  });
});

// Two processes on one database, each with its own cache of decoded sketches.
describe.each(DATABASE_KINDS)('processor store window cache on %s', (kind) => {
  const opened = freshStore(kind, 'processor_cache', async (settings) => {
    const a = await KyselyProcessorStore.open(settings);
    const b = await KyselyProcessorStore.open(settings);
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });
  const add = (store: KyselyProcessorStore, k: WindowKey, values: number[], fail = false) =>
    store.inTransaction(async (tx) => {
      const current = await tx.lockWindows([k]);
      const readings = values.map((value) => ({
        deviceId: k.deviceId,
        sensorType: TEMP,
        customSensor: '',
        value,
        timestamp: T0,
      }));
      await tx.saveWindows(foldReadings([k], current, readings));
      if (fail) throw new Error('abort');
    });
  const stored = async (store: KyselyProcessorStore, k: WindowKey) =>
    (await store.findWindows({ ...k, limit: 1 }))[0];
  const p100 = (window: WindowAggregate) => QuantileSketch.fromBytes(window.sketch).percentile(100);

  it('sees what another writer stored since its own last write', async () => {
    const { a, b } = opened();
    const k = key('cache-1');
    await add(a, k, [1, 2]);
    await add(b, k, [1000]);
    await add(a, k, [3]);
    const window = await stored(b, k);
    expect(window).toMatchObject({ count: 4, min: 1, max: 1000, sum: 1006 });
    // The sketch still holds the other writer's value: a stale cached sketch would have lost it.
    expect(Math.abs(p100(window) / 1000 - 1)).toBeLessThan(0.01);
  });

  it('keeps folding from the cache across its own writes', async () => {
    const { a } = opened();
    const k = key('cache-2');
    for (const value of [5, 50, 500]) await add(a, k, [value]);
    const window = await stored(a, k);
    expect(window).toMatchObject({ count: 3, min: 5, max: 500 });
    expect(Math.abs(p100(window) / 500 - 1)).toBeLessThan(0.01);
  });

  it('forgets what a rolled-back transaction added to a cached sketch', async () => {
    const { a } = opened();
    const k = key('cache-3');
    await add(a, k, [1]);
    await expect(add(a, k, [9999], true)).rejects.toThrow('abort');
    await add(a, k, [2]);
    const window = await stored(a, k);
    expect(window).toMatchObject({ count: 2, min: 1, max: 2 });
    expect(Math.abs(p100(window) / 2 - 1)).toBeLessThan(0.01);
  });
});
