import type { Aggregate } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

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

/** What a window over `values` must report; p95 is checked within the sketch's 1%. */
export function expectStatistics(aggregate: Aggregate | undefined, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const trueP95 = sorted[Math.floor(0.95 * (sorted.length - 1))];
  expect(aggregate).toMatchObject({ count: values.length, min: sorted[0], max: sorted.at(-1), closed: true });
  expect(aggregate!.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  expect(Math.abs(aggregate!.p95 - trueP95) / trueP95).toBeLessThanOrEqual(0.01);
}
