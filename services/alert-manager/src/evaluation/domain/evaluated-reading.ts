import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** A validated reading handed over for evaluation. `time` is the reading's own time in epoch ms. */
export interface EvaluatedReading {
  id: string;
  deviceId: string;
  sensorType: SensorType;
  value: number;
  time: number;
}

/**
 * How far evaluation of a rule and device has gone: the newest reading time evaluated, and every
 * reading evaluated at that time. Older readings are skipped (they arrived late), and so are those of
 * that time evaluated before (a retry); another reading of the same time is new and is evaluated.
 */
export interface EvaluationCursor {
  readingTime: number;
  /** The last reading evaluated: a move always changes it or the time, so writers compare it. */
  readingId: string;
  /** The other readings evaluated at readingTime, oldest first; the newest MAX_IDS_AT_TIME are kept. */
  earlierIdsAtTime: readonly string[];
}

/**
 * A device with a coarse clock can send a stream of readings of one time; past this many, the oldest
 * ids are forgotten, and only a retry of one of those would be evaluated twice.
 */
export const MAX_IDS_AT_TIME = 1_000;

export function alreadyEvaluated(reading: EvaluatedReading, cursor: EvaluationCursor): boolean {
  if (reading.time !== cursor.readingTime) return reading.time < cursor.readingTime;
  return reading.id === cursor.readingId || cursor.earlierIdsAtTime.includes(reading.id);
}

/** The cursor once `reading`, not evaluated before, has been. */
export function advance(cursor: EvaluationCursor | undefined, reading: EvaluatedReading): EvaluationCursor {
  if (cursor === undefined || reading.time > cursor.readingTime) {
    return { readingTime: reading.time, readingId: reading.id, earlierIdsAtTime: [] };
  }
  return {
    readingTime: cursor.readingTime,
    readingId: reading.id,
    earlierIdsAtTime: [...cursor.earlierIdsAtTime, cursor.readingId].slice(-(MAX_IDS_AT_TIME - 1)),
  };
}

/** Time order; a stable sort, so readings of the same time keep the order they were sent in. */
export const byTime = (a: EvaluatedReading, b: EvaluatedReading): number => a.time - b.time;
