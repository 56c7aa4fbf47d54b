import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** A validated reading handed over for evaluation. `time` is the reading's own time in epoch ms. */
export interface EvaluatedReading {
  id: string;
  deviceId: string;
  sensorType: SensorType;
  value: number;
  time: number;
}

/** The last reading evaluated for a rule and device; older or equal readings are skipped. */
export interface EvaluationCursor {
  readingTime: number;
  readingId: string;
}

/** Orders readings by their time, then id, so that "already evaluated" has a precise meaning. */
export function compareToCursor(reading: EvaluatedReading, cursor: EvaluationCursor): number {
  if (reading.time !== cursor.readingTime) return reading.time - cursor.readingTime;
  return reading.id < cursor.readingId ? -1 : reading.id > cursor.readingId ? 1 : 0;
}

export const byTimeThenId = (a: EvaluatedReading, b: EvaluatedReading): number =>
  compareToCursor(a, { readingTime: b.time, readingId: b.id });
