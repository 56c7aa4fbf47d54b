import type { Aggregate } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { nearestRankPercentile, withinSketchAccuracy } from './percentile.oracle.js';

/** A normalised temperature reading at `at` (epoch ms). */
export const reading = (readingId: string, deviceId: string, value: number, at: number): Reading => ({
  readingId,
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value,
  unit: 'celsius',
  timestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1_000_000 },
  customSensor: '',
});

/** A reading of the custom quantity `customSensor` ("co2") at `at` (epoch ms). */
export const customReading = (
  readingId: string,
  deviceId: string,
  customSensor: string,
  value: number,
  at: number,
): Reading => ({
  ...reading(readingId, deviceId, value, at),
  sensorType: SensorType.SENSOR_TYPE_CUSTOM,
  unit: '',
  customSensor,
});

/** The error a call ends with (shared by every service's process tests). */
export { failure } from '@iot-mesh/platform/testing';

/**
 * What a window over `values` must report; p95 is checked within the sketch's 1% of the nearest-rank
 * p95. Still open: the readings are hours old, and ones up to 48 h late are accepted.
 */
export function expectStatistics(aggregate: Aggregate | undefined, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  expect(aggregate).toMatchObject({
    count: values.length,
    min: sorted[0],
    max: sorted.at(-1),
    closed: false,
  });
  expect(aggregate!.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  expect(withinSketchAccuracy(aggregate!.p95, nearestRankPercentile(values, 95))).toBe(true);
}
