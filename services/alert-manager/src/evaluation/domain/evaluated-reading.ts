import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/**
 * A validated reading handed over for evaluation. `time` (epoch ms) is the reading's own time, or the
 * moment it arrived if it was stamped later than that (a device clock running ahead).
 */
export interface EvaluatedReading {
  id: string;
  deviceId: string;
  sensorType: SensorType;
  /** The custom quantity ("co2") of a SENSOR_TYPE_CUSTOM reading, else ''. */
  customSensor: string;
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

/**
 * A cursor walked forward reading by reading. The ids of its time are kept in a set while it walks, so
 * a batch of many readings of one time costs one lookup each rather than a scan and a copy each.
 */
export class CursorWalk {
  private time: number | undefined;
  private ids: string[];
  private readonly seen: Set<string>;
  private moved = false;

  constructor(from: EvaluationCursor | undefined) {
    this.time = from?.readingTime;
    this.ids = from ? [...from.earlierIdsAtTime, from.readingId] : [];
    this.seen = new Set(this.ids);
  }

  /** Whether the reading was evaluated before (a retry) or is older than the cursor (it came late). */
  passed(reading: EvaluatedReading): boolean {
    if (this.time === undefined || reading.time > this.time) return false;
    return reading.time < this.time || this.seen.has(reading.id);
  }

  /** Moves past a reading that was not `passed`. */
  advance(reading: EvaluatedReading): void {
    if (this.time === undefined || reading.time > this.time) {
      this.time = reading.time;
      this.ids = [];
      this.seen.clear();
    }
    this.ids.push(reading.id);
    this.seen.add(reading.id);
    this.moved = true;
  }

  /** Where the walk ended, with the newest MAX_IDS_AT_TIME ids of its time; undefined if it never moved. */
  get cursor(): EvaluationCursor | undefined {
    if (!this.moved || this.time === undefined) return undefined;
    const kept = this.ids.slice(-MAX_IDS_AT_TIME);
    return { readingTime: this.time, readingId: kept.at(-1)!, earlierIdsAtTime: kept.slice(0, -1) };
  }
}

/** Where a cursor ends after walking `readings` (undefined when it passed them all). */
export function walkedPast(
  from: EvaluationCursor | undefined,
  readings: readonly EvaluatedReading[],
): EvaluationCursor | undefined {
  const walk = new CursorWalk(from);
  for (const reading of [...readings].sort(byTime)) if (!walk.passed(reading)) walk.advance(reading);
  return walk.cursor;
}

/** Whether two cursors say the same: the same time, and the same readings evaluated at it. */
export const sameCursor = (a: EvaluationCursor, b: EvaluationCursor | undefined): boolean =>
  b !== undefined &&
  a.readingTime === b.readingTime &&
  a.readingId === b.readingId &&
  a.earlierIdsAtTime.length === b.earlierIdsAtTime.length &&
  a.earlierIdsAtTime.every((id, i) => id === b.earlierIdsAtTime[i]);

/** Time order; a stable sort, so readings of the same time keep the order they were sent in. */
export const byTime = (a: EvaluatedReading, b: EvaluatedReading): number => a.time - b.time;
