import { QuantileSketch } from './quantile-sketch.js';
import type { SketchWriteForms } from './sketch-forms.js';
import {
  isWindowClosed,
  minuteCellId,
  windowEnd,
  windowId,
  windowKeysAt,
  type SeriesKey,
  type WindowKey,
} from './window.js';

/** One window's running statistics as they are kept; `sketch` holds the value distribution for p95. */
export interface WindowAggregate extends WindowKey {
  endTime: number;
  count: number;
  min: number;
  max: number;
  /** The sum of the values as a Neumaier sum: `sum` plus `sumCompensation`, the rounding `sum` lost. */
  sum: number;
  sumCompensation: number;
  sketch: Uint8Array;
  /**
   * `sketch` already decoded, when the caller has it (a cache), so folding skips the decode. It is
   * handed over: folding adds to it, so an aggregate's decodedSketch must be folded at most once.
   */
  decodedSketch?: QuantileSketch;
}

/** A reading as the aggregation sees it: validated, its timestamp in epoch milliseconds. */
export interface AggregatedReading extends SeriesKey {
  value: number;
  timestamp: number;
}

/** What a window reports: the statistics derived from its state at time `now`. */
export interface WindowSummary extends WindowKey {
  endTime: number;
  count: number;
  min: number;
  max: number;
  avg: number;
  p95: number;
  closed: boolean;
}

/**
 * The windows `readings` touch, one per size, skipping those closed at `now` (see isWindowClosed): a
 * closed window is final, so a reading that comes too late for it is counted in no window.
 */
export function windowsTouchedBy(
  readings: readonly AggregatedReading[],
  now: number,
  lateReadingsMs: number,
): WindowKey[] {
  const keys = new Map<string, WindowKey>();
  const cells = new Set<string>();
  for (const reading of readings) {
    const cell = minuteCellId(reading, reading.timestamp);
    if (cells.has(cell)) continue;
    cells.add(cell);
    for (const key of windowKeysAt(reading, reading.timestamp)) {
      if (!isWindowClosed(windowEnd(key), now, lateReadingsMs)) keys.set(windowId(key), key);
    }
  }
  return [...keys.values()];
}

/**
 * Folds `readings` into the windows they belong to. `current` holds the stored state of those
 * windows (a window missing there starts empty); only windows in `keys` are touched. Their sketches
 * are stored in the forms `sketchForms` allows (the dense one alone unless told).
 */
export function foldReadings(
  keys: readonly WindowKey[],
  current: ReadonlyMap<string, WindowAggregate>,
  readings: readonly AggregatedReading[],
  sketchForms?: SketchWriteForms,
): WindowAggregate[] {
  const accumulators = new Map(
    keys.map((key) => [windowId(key), new WindowAccumulator(key, current.get(windowId(key)))]),
  );
  const byCell = new Map<string, WindowAccumulator[]>();
  for (const reading of readings) {
    const cell = minuteCellId(reading, reading.timestamp);
    let targets = byCell.get(cell);
    if (targets === undefined) {
      targets = windowKeysAt(reading, reading.timestamp).flatMap(
        (key) => accumulators.get(windowId(key)) ?? [],
      );
      byCell.set(cell, targets);
    }
    for (const target of targets) target.add(reading.value);
  }
  return [...accumulators.values()].map((accumulator) => accumulator.toAggregate(sketchForms));
}

/**
 * The statistics of a window at `now`. p95 is the nearest-rank 95th percentile (see
 * QuantileSketch.percentile); the window is closed once no accepted reading can change it.
 */
export function summarizeWindow(window: WindowAggregate, now: number, lateReadingsMs: number): WindowSummary {
  const { sketch, sum, sumCompensation, decodedSketch, ...stats } = window;
  return {
    ...stats,
    avg: window.count > 0 ? average(window) : 0,
    p95: window.count > 0 ? QuantileSketch.fromBytes(sketch).percentile(95, window) : 0,
    closed: isWindowClosed(window.endTime, now, lateReadingsMs),
  };
}

/**
 * The mean, each part of the sum divided on its own (so identical readings give the reading), and
 * kept within [min, max], which the last rounding could otherwise leave by a unit in the last place.
 */
function average({ sum, sumCompensation, count, min, max }: WindowAggregate): number {
  return Math.min(max, Math.max(min, sum / count + sumCompensation / count));
}

class WindowAccumulator {
  private readonly sketch: QuantileSketch;
  private count: number;
  private min: number;
  private max: number;
  private sum: number;
  private sumCompensation: number;

  constructor(
    private readonly key: WindowKey,
    stored: WindowAggregate | undefined,
  ) {
    const known = stored !== undefined && stored.count > 0;
    this.sketch = known
      ? (stored.decodedSketch ?? QuantileSketch.fromBytes(stored.sketch))
      : QuantileSketch.empty();
    this.count = known ? stored.count : 0;
    this.min = known ? stored.min : Infinity;
    this.max = known ? stored.max : -Infinity;
    this.sum = known ? stored.sum : 0;
    this.sumCompensation = known ? stored.sumCompensation : 0;
  }

  add(value: number): void {
    this.sketch.add(value);
    this.count += 1;
    // Neumaier's summation: the low-order part each addition rounds away is kept apart, so a plain
    // sum's drift (0.1 ten times is not 1) and cancellation (1e100 + 1 - 1e100 is 0) do not reach avg.
    const sum = this.sum + value;
    this.sumCompensation +=
      Math.abs(this.sum) >= Math.abs(value) ? this.sum - sum + value : value - sum + this.sum;
    this.sum = sum;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  toAggregate(sketchForms?: SketchWriteForms): WindowAggregate {
    return {
      ...this.key,
      endTime: windowEnd(this.key),
      count: this.count,
      min: this.count > 0 ? this.min : 0,
      max: this.count > 0 ? this.max : 0,
      sum: this.sum,
      sumCompensation: this.sumCompensation,
      sketch: this.sketch.toBytes(sketchForms),
      decodedSketch: this.sketch,
    };
  }
}
