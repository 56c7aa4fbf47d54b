import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import {
  nearestRankPercentile,
  seededRandom,
  VALUE_SHAPES,
  withinSketchAccuracy,
} from '../../../test/percentile.oracle.js';
import { Window, windowId, type WindowKey } from './window.js';
import {
  foldReadings,
  summarizeWindow,
  windowsTouchedBy,
  type AggregatedReading,
  type WindowAggregate,
} from './window-aggregate.js';

const HOUR = Date.UTC(2026, 0, 15, 10);
const LATE_MS = 48 * 3_600_000; // how late a reading is still accepted
const reading = (value: number, offsetMs = 0, deviceId = 'dev-1'): AggregatedReading => ({
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  value,
  timestamp: HOUR + offsetMs,
});

/** Folds `batches` one after another, each on the state the previous one left, as the store would. */
function foldBatches(batches: AggregatedReading[][]): Map<string, WindowAggregate> {
  const state = new Map<string, WindowAggregate>();
  for (const batch of batches) {
    const keys = windowsTouchedBy(batch, HOUR, LATE_MS);
    for (const window of foldReadings(keys, state, batch)) state.set(windowId(window), window);
  }
  return state;
}

const hourKey: WindowKey = {
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  window: Window.WINDOW_ONE_HOUR,
  startTime: HOUR,
};

describe('window aggregation', () => {
  it('keeps count, min, max and avg per window size', () => {
    const state = foldBatches([[reading(20), reading(-4, 30_000)], [reading(31, 90_000)]]);
    expect(state.size).toBe(4); // two 1m windows, one 5m, one 1h
    const hour = summarizeWindow(state.get(windowId(hourKey))!, HOUR, LATE_MS);
    expect(hour).toMatchObject({ count: 3, min: -4, max: 31, avg: 47 / 3, endTime: HOUR + 3_600_000 });
    const firstMinute = summarizeWindow(
      state.get(windowId({ ...hourKey, window: Window.WINDOW_ONE_MINUTE }))!,
      HOUR,
      LATE_MS,
    );
    expect(firstMinute).toMatchObject({ count: 2, min: -4, max: 20, avg: 8 });
  });

  it('reports avg as the mean, however the readings round or cancel, a batch each', () => {
    const avgOf = (values: number[]) =>
      summarizeWindow(
        foldBatches(values.map((v, i) => [reading(v, i * 300)])).get(windowId(hourKey))!,
        HOUR,
        LATE_MS,
      ).avg;
    // A plain running sum gave 0.09999999999999999, 42.41999999999965, 0 and 0.20000000000000004.
    expect(avgOf(Array<number>(10).fill(0.1))).toBe(0.1);
    expect(avgOf(Array<number>(500).fill(42.42))).toBe(42.42);
    expect(avgOf([1e100, 1, -1e100])).toBe(1 / 3);
    expect(avgOf([0.1, 0.2, 0.3])).toBe(0.2);
  });

  it('keeps avg within [min, max] for a window summed before the compensation was kept', () => {
    const [window] = foldReadings([hourKey], new Map(), [reading(0.1)]);
    const stored = { ...window, count: 3, sum: 0.1 + 0.1 + 0.1, sumCompensation: 0 };
    expect(summarizeWindow(stored, HOUR, LATE_MS).avg).toBe(0.1);
  });

  it('estimates p95 of 10 000 values within 1% of the nearest-rank p95, across stored batches', () => {
    // A skewed, spread-out distribution, folded in 20 batches through the serialised sketch.
    const values = Array.from({ length: 10_000 }, (_, i) => 5 + ((i * 7919) % 10_000) ** 1.5 / 1_000);
    const batches = Array.from({ length: 20 }, (_, b) =>
      values.slice(b * 500, (b + 1) * 500).map((v, i) => reading(v, (b * 500 + i) * 300)),
    );
    const hour = summarizeWindow(foldBatches(batches).get(windowId(hourKey))!, HOUR, LATE_MS);
    expect(hour.count).toBe(10_000);
    expect(withinSketchAccuracy(hour.p95, nearestRankPercentile(values, 95))).toBe(true);
  });

  /** The p95 a window of `values` reports, folded in batches of `batchSize` through the stored sketch. */
  const reportedP95 = (values: number[], batchSize = 7) => {
    const batches = Array.from({ length: Math.ceil(values.length / batchSize) }, (_, b) =>
      values.slice(b * batchSize, (b + 1) * batchSize).map((v, i) => reading(v, (b * batchSize + i) * 300)),
    );
    return summarizeWindow(foldBatches(batches).get(windowId(hourKey))!, HOUR, LATE_MS).p95;
  };

  it('reports the nearest-rank p95 of a few values: the largest of up to 19, whatever it is', () => {
    expect(reportedP95([1, 100])).toBe(100);
    expect(reportedP95([20, 21, 22, 23, 90])).toBe(90);
    expect(reportedP95([-7])).toBe(-7);
    expect(reportedP95([...Array<number>(18).fill(21), 85])).toBe(85);
    // From 20 values on, the largest alone is 5% of them or less.
    expect(withinSketchAccuracy(reportedP95([...Array<number>(19).fill(21), 85]), 21)).toBe(true);
  });

  it.each(Object.entries(VALUE_SHAPES))(
    'keeps p95 within 1%% of the brute-force nearest-rank p95 for %s values',
    (shape, draw) => {
      const random = seededRandom(shape.length * 7919);
      const sizes = [...Array.from({ length: 30 }, (_, i) => i + 1), 97, 1_000, 4_321];
      const misses = sizes.flatMap((n) => {
        const values = draw(n, random);
        const truth = nearestRankPercentile(values, 95);
        const p95 = reportedP95(values, n <= 100 ? 7 : 500);
        return withinSketchAccuracy(p95, truth) ? [] : [{ n, truth, p95 }];
      });
      expect(misses).toEqual([]);
    },
  );

  it('is closed once a reading late enough for it is no longer accepted', () => {
    const window = foldBatches([[reading(1)]]).get(windowId(hourKey))!;
    const end = HOUR + 3_600_000;
    expect(summarizeWindow(window, end, LATE_MS).closed).toBe(false);
    expect(summarizeWindow(window, end + LATE_MS - 1, LATE_MS).closed).toBe(false);
    expect(summarizeWindow(window, end + LATE_MS, LATE_MS).closed).toBe(true);
  });

  it('folds nothing into a closed window, so it stays as reported', () => {
    // The 1m and 5m windows of the reading are closed, its hour window is not yet.
    const now = HOUR + 300_000 + LATE_MS;
    const keys = windowsTouchedBy([reading(1)], now, LATE_MS);
    expect(keys.map((k) => k.window)).toEqual([Window.WINDOW_ONE_HOUR]);
    expect(foldReadings(keys, new Map(), [reading(1)])).toHaveLength(1);
    expect(windowsTouchedBy([reading(1)], now - 1, LATE_MS).map((k) => k.window)).toEqual([
      Window.WINDOW_FIVE_MINUTES,
      Window.WINDOW_ONE_HOUR,
    ]);
  });

  it('keeps devices apart', () => {
    const state = foldBatches([[reading(1), reading(2, 0, 'dev-2')]]);
    expect(state.get(windowId(hourKey))?.count).toBe(1);
    expect(state.get(windowId({ ...hourKey, deviceId: 'dev-2' }))?.count).toBe(1);
  });

  it('keeps the custom quantities of one device apart', () => {
    const custom = (customSensor: string, value: number, offsetMs: number): AggregatedReading => ({
      ...reading(value, offsetMs),
      sensorType: SensorType.SENSOR_TYPE_CUSTOM,
      customSensor,
    });
    const state = foldBatches([
      [custom('co2', 400, 0), custom('noise', 40, 1_000), custom('co2', 500, 2_000)],
    ]);
    expect(state.size).toBe(6); // one window of each size per quantity
    const hourOf = (customSensor: string) =>
      summarizeWindow(
        state.get(windowId({ ...hourKey, sensorType: SensorType.SENSOR_TYPE_CUSTOM, customSensor }))!,
        HOUR,
        LATE_MS,
      );
    expect(hourOf('co2')).toMatchObject({ customSensor: 'co2', count: 2, min: 400, max: 500, avg: 450 });
    expect(hourOf('noise')).toMatchObject({ customSensor: 'noise', count: 1, min: 40, max: 40, avg: 40 });
  });
});
