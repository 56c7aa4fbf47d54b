import { DDSketch } from '@datadog/sketches-js';
import {
  emptyCounts,
  readSketch,
  writeSketch,
  type SketchCounts,
  type SketchWriteForms,
} from './sketch-forms.js';

/**
 * A percentile is reported within 1% (relative) of the true nearest-rank percentile, whatever the
 * number of readings, their signs and their spread, as long as fewer than 2048 bins of its sign lie
 * above it: p95 in any window of up to 40,000 readings (see SketchBins; magnitudes below ~2.2e-308
 * count as 0).
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** The library's logarithmic mapping of values to keys; stored keys depend on it never changing. */
const MAPPING = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;

/**
 * A DDSketch of one window's values: the library's key mapping, with bins of our own (SketchBins),
 * at most 2048 per sign, stored in a compact form of our own (sketch-forms.ts).
 * A sketch is rewritten on every batch that touches its window; the library's toProto pads the bins
 * to chunks of 128 and needed deflating, which cost several times the rest of the batch.
 */
export class QuantileSketch {
  private constructor(private readonly counts: SketchCounts) {}

  static empty(): QuantileSketch {
    return new QuantileSketch(emptyCounts());
  }

  /** The sketch stored by `toBytes` (or an older form); no bytes is an empty sketch. */
  static fromBytes(bytes: Uint8Array): QuantileSketch {
    return new QuantileSketch(readSketch(bytes));
  }

  /** In the dense form, or with `forms.compact` in the one that suits the readings (sketch-forms.ts). */
  toBytes(forms?: SketchWriteForms): Uint8Array {
    return writeSketch(this.counts, forms);
  }

  add(value: number): void {
    if (value > MAPPING.minPossible) this.counts.positive.add(MAPPING.key(value));
    else if (value < -MAPPING.minPossible) this.counts.negative.add(-MAPPING.key(-value));
    else this.counts.zeroCount += 1;
  }

  /**
   * The estimated `percent`th percentile (0..100) by the nearest-rank definition: the smallest value
   * with at least `percent`% of the values at or below it, the ⌈percent·n/100⌉-th smallest. It is
   * always one of the values, so the sketch's relative accuracy holds for it, where an interpolation
   * between two values of opposite signs could miss by any ratio. `extremes`, the exact smallest and
   * largest value when the caller keeps them, are returned as they are at the first and last rank
   * (so the p95 of up to 19 values is exact) and bound the estimate. NaN while the sketch is empty.
   */
  percentile(percent: number, extremes?: { min: number; max: number }): number {
    const { zeroCount, positive, negative } = this.counts;
    const count = negative.count + zeroCount + positive.count;
    if (count === 0) return Number.NaN;
    // Whole numbers first: 0.95·n can round a hair above an integer and skip to the next rank.
    const index = Math.max(1, Math.ceil((percent * count) / 100)) - 1;
    if (extremes === undefined) return this.valueAtRank(index);
    if (index === count - 1) return extremes.max;
    if (index === 0) return extremes.min;
    // Values are bin representatives, which may lie a little beyond the extremes.
    return Math.min(extremes.max, Math.max(extremes.min, this.valueAtRank(index)));
  }

  /** The estimate of the `index`-th smallest value (from 0): the representative of its key. */
  private valueAtRank(index: number): number {
    const { negative, zeroCount, positive } = this.counts;
    if (index < negative.count) return -MAPPING.value(-negative.keyAtRank(index));
    if (index < negative.count + zeroCount) return 0;
    return MAPPING.value(positive.keyAtRank(index - negative.count - zeroCount));
  }
}
