import { inflateRawSync } from 'node:zlib';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { DDSketch } from '@datadog/sketches-js';

/**
 * A percentile is reported within 1% (relative) of the true nearest-rank percentile, whatever the
 * number of readings and their signs (magnitudes below ~2.2e-308 count as 0).
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * First byte of the compact form. No raw deflate stream starts with it (block type 11 is reserved),
 * so windows written before the compact form (the sketch's protobuf, deflated) still read.
 */
const COMPACT_FORM = 0x07;
const UINT32_MAX = 0xffff_ffff;

type Store = DDSketch['store'];

/**
 * A DDSketch of one window's values, stored in a compact form of our own: the zero count, then for
 * the positive and the negative store the first key and the counts of every key up to the last, as
 * varints. A sketch is rewritten on every batch that touches its window; the library's toProto pads
 * the bins to chunks of 128 and needed deflating, which cost several times the rest of the batch.
 */
export class QuantileSketch {
  private constructor(private readonly sketch: DDSketch) {}

  static empty(): QuantileSketch {
    return new QuantileSketch(new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }));
  }

  /** The sketch stored by `toBytes` (or, from older rows, deflated protobuf); no bytes is an empty sketch. */
  static fromBytes(bytes: Uint8Array): QuantileSketch {
    if (bytes.length === 0) return QuantileSketch.empty();
    if (bytes[0] !== COMPACT_FORM) return new QuantileSketch(DDSketch.fromProto(inflateRawSync(bytes)));
    const sketch = QuantileSketch.empty();
    const inner = sketch.sketch;
    const reader = new BinaryReader(bytes.subarray(1));
    inner.zeroCount = reader.uint32();
    readStore(reader, inner.store);
    readStore(reader, inner.negativeStore);
    inner.count = inner.zeroCount + inner.store.count + inner.negativeStore.count;
    return sketch;
  }

  toBytes(): Uint8Array {
    const { zeroCount, store, negativeStore } = this.sketch;
    const writer = new BinaryWriter().raw(Uint8Array.of(COMPACT_FORM)).uint32(wholeCount(zeroCount));
    writeStore(writer, store);
    writeStore(writer, negativeStore);
    return writer.finish();
  }

  add(value: number): void {
    this.sketch.accept(value);
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
    const { count } = this.sketch;
    if (count === 0) return Number.NaN;
    // Whole numbers first: 0.95·n can round a hair above an integer and skip to the next rank.
    const index = Math.max(1, Math.ceil((percent * count) / 100)) - 1;
    if (extremes === undefined) return this.valueAtRank(index);
    if (index === count - 1) return extremes.max;
    if (index === 0) return extremes.min;
    // Values are bin representatives, which may lie a little beyond the extremes.
    return Math.min(extremes.max, Math.max(extremes.min, this.valueAtRank(index)));
  }

  /**
   * The estimate of the `index`-th smallest value (from 0). Reads the stores as the library's
   * getValueAtQuantile does, but at a given rank: that one takes ⌊q·(n−1)⌋, no standard percentile.
   */
  private valueAtRank(index: number): number {
    const { negativeStore, zeroCount, store, mapping } = this.sketch;
    if (index < negativeStore.count) {
      // The negative store holds magnitudes: the smallest value is its largest key.
      return -mapping.value(negativeStore.keyAtRank(negativeStore.count - 1 - index));
    }
    if (index < negativeStore.count + zeroCount) return 0;
    return mapping.value(store.keyAtRank(index - negativeStore.count - zeroCount));
  }
}

function writeStore(writer: BinaryWriter, store: Store): void {
  if (store.count === 0) {
    writer.uint32(0);
    return;
  }
  writer.uint32(store.maxKey - store.minKey + 1).sint32(store.minKey);
  for (let key = store.minKey; key <= store.maxKey; key++) {
    writer.uint32(wholeCount(store.bins[key - store.offset] ?? 0));
  }
}

function readStore(reader: BinaryReader, store: Store): void {
  const keys = reader.uint32();
  if (keys === 0) return;
  const firstKey = reader.sint32();
  for (let key = firstKey; key < firstKey + keys; key++) {
    const count = reader.uint32();
    if (count > 0) store.add(key, count);
  }
}

/** Values are only ever added one at a time, so every bin holds a whole count. */
function wholeCount(count: number): number {
  if (!Number.isInteger(count) || count < 0 || count > UINT32_MAX) {
    throw new RangeError(`a sketch bin holds ${count}, not a whole count`);
  }
  return count;
}
