import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Window, windowId, type WindowKey } from './window.js';
import {
  foldReadings,
  summarizeWindow,
  windowsTouchedBy,
  type AggregatedReading,
  type WindowAggregate,
} from './window-aggregate.js';

const HOUR = Date.UTC(2026, 0, 15, 10);
const reading = (value: number, offsetMs = 0, deviceId = 'dev-1'): AggregatedReading => ({
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  value,
  timestamp: HOUR + offsetMs,
});

/** Folds `batches` one after another, each on the state the previous one left, as the store would. */
function foldBatches(batches: AggregatedReading[][], keepAfter = 0): Map<string, WindowAggregate> {
  const state = new Map<string, WindowAggregate>();
  for (const batch of batches) {
    const keys = windowsTouchedBy(batch, keepAfter);
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
    const hour = summarizeWindow(state.get(windowId(hourKey))!, HOUR);
    expect(hour).toMatchObject({ count: 3, min: -4, max: 31, avg: 47 / 3, endTime: HOUR + 3_600_000 });
    const firstMinute = summarizeWindow(
      state.get(windowId({ ...hourKey, window: Window.WINDOW_ONE_MINUTE }))!,
      HOUR,
    );
    expect(firstMinute).toMatchObject({ count: 2, min: -4, max: 20, avg: 8 });
  });

  it('estimates p95 of 10 000 values within 1% of the true p95, across stored batches', () => {
    // A skewed, spread-out distribution, folded in 20 batches through the serialised sketch.
    const values = Array.from({ length: 10_000 }, (_, i) => 5 + ((i * 7919) % 10_000) ** 1.5 / 1_000);
    const batches = Array.from({ length: 20 }, (_, b) =>
      values.slice(b * 500, (b + 1) * 500).map((v, i) => reading(v, (b * 500 + i) * 300)),
    );
    const hour = summarizeWindow(foldBatches(batches).get(windowId(hourKey))!, HOUR);
    const sorted = [...values].sort((a, b) => a - b);
    const trueP95 = sorted[Math.floor(0.95 * (sorted.length - 1))];
    expect(hour.count).toBe(10_000);
    expect(Math.abs(hour.p95 - trueP95) / trueP95).toBeLessThanOrEqual(0.01);
  });

  it('estimates p95 of negative values', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => -40 + i / 50); // -40 .. -20.02
    const hour = summarizeWindow(foldBatches([values.map((v) => reading(v))]).get(windowId(hourKey))!, HOUR);
    const trueP95 = values[Math.floor(0.95 * 999)];
    expect(Math.abs((hour.p95 - trueP95) / trueP95)).toBeLessThanOrEqual(0.01);
    expect(hour.p95).toBeLessThanOrEqual(hour.max);
  });

  it('is closed once its end has passed', () => {
    const window = foldBatches([[reading(1)]]).get(windowId(hourKey))!;
    expect(summarizeWindow(window, HOUR + 3_599_999).closed).toBe(false);
    expect(summarizeWindow(window, HOUR + 3_600_000).closed).toBe(true);
  });

  it('skips windows that ended before the retention horizon', () => {
    const keys = windowsTouchedBy([reading(1)], HOUR + 300_000);
    expect(keys.map((k) => k.window)).toEqual([Window.WINDOW_ONE_HOUR]);
    expect(foldReadings(keys, new Map(), [reading(1)])).toHaveLength(1);
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
      );
    expect(hourOf('co2')).toMatchObject({ customSensor: 'co2', count: 2, min: 400, max: 500, avg: 450 });
    expect(hourOf('noise')).toMatchObject({ customSensor: 'noise', count: 1, min: 40, max: 40, avg: 40 });
  });
});
