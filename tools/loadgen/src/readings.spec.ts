import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import {
  BEYOND_NORMAL_CELSIUS,
  DeviceReadings,
  isOutOfRange,
  newRunId,
  NORMAL_CELSIUS,
  temperatureFor,
} from './readings.js';

const READING_ID = /^[A-Za-z0-9._:-]{1,128}$/; // what ingestion accepts

describe('simulated readings', () => {
  it('spreads the out-of-range share evenly: exactly floor(n x fraction) in the first n', () => {
    const count = (n: number, fraction: number) =>
      Array.from({ length: n }, (_, i) => isOutOfRange(i, fraction)).filter(Boolean).length;
    expect(count(100, 0.1)).toBe(10);
    expect(count(7, 0.5)).toBe(3);
    expect(count(1000, 0)).toBe(0);
    expect(count(10, 1)).toBe(10);
    expect(count(3, 1 / 3)).toBe(1);
  });

  it('counts floor(n x fraction) for the fraction as written, where floating point falls just short', () => {
    const count = (n: number, fraction: number) =>
      Array.from({ length: n }, (_, i) => isOutOfRange(i, fraction)).filter(Boolean).length;
    expect(100 * 0.29).toBeLessThan(29); // 28.999999999999996
    expect(count(100, 0.29)).toBe(29);
    // Every fraction with two decimals, against the count in whole numbers: floor(n * k / 100).
    for (let k = 0; k <= 100; k++) {
      const fraction = Number((k / 100).toFixed(2));
      for (const n of [1, 7, 50, 100, 1_000])
        expect([k, n, count(n, fraction)]).toEqual([k, n, Math.floor((n * k) / 100)]);
    }
  });

  it('keeps normal values in the normal band and the others beyond it, inside what ingestion accepts', () => {
    for (let i = 0; i < 200; i++) {
      const normal = temperatureFor(i, false);
      const high = temperatureFor(i, true);
      expect(normal).toBeGreaterThanOrEqual(NORMAL_CELSIUS.min);
      expect(normal).toBeLessThan(NORMAL_CELSIUS.max);
      expect(high).toBeGreaterThanOrEqual(BEYOND_NORMAL_CELSIUS.min);
      expect(high).toBeLessThanOrEqual(150);
    }
  });

  it('gives every reading of a run a unique, valid id, and each batch its own id', () => {
    const runId = newRunId();
    const a = new DeviceReadings(runId, 0, 'lg-00000', 0.2);
    const b = new DeviceReadings(runId, 1, 'lg-00001', 0.2);
    const batches = [a.nextBatch(10, 1), b.nextBatch(10, 2), a.nextBatch(10, 3)];
    const ids = batches.flatMap((batch) => batch.readings.map((r) => r.readingId));
    expect(new Set(ids).size).toBe(30);
    expect(ids.every((id) => READING_ID.test(id))).toBe(true);
    expect(new Set(batches.map((batch) => batch.id)).size).toBe(3);
    expect(newRunId()).not.toBe(runId);
  });

  it('builds batches of temperature readings for the device, counting the out-of-range ones', () => {
    const before = Date.now();
    const batch = new DeviceReadings('run', 3, 'lg-00003', 0.25).nextBatch(8, 42);
    expect(batch).toMatchObject({ scheduledAt: 42, outOfRange: 2 });
    expect(batch.readings.filter((r) => r.value >= BEYOND_NORMAL_CELSIUS.min)).toHaveLength(2);
    for (const reading of batch.readings) {
      expect(reading).toMatchObject({
        deviceId: 'lg-00003',
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        unit: 'celsius',
      });
      expect(reading.timestamp!.seconds).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    }
  });

  it('orders ids of one device by sending order, as the alert manager breaks timestamp ties by id', () => {
    const source = new DeviceReadings('run', 0, 'lg-00000', 0);
    const ids = [...source.nextBatch(12, 0).readings, ...source.nextBatch(12, 0).readings].map(
      (r) => r.readingId,
    );
    expect([...ids].sort()).toEqual(ids);
  });
});
