import { inflateRawSync } from 'node:zlib';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { DDSketch } from '@datadog/sketches-js';

/** p95 is reported within 1% of the true value (relative), whatever the number of readings. */
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

  /** The estimated value at `quantile` (0..1); NaN while the sketch is empty. */
  quantile(quantile: number): number {
    return this.sketch.getValueAtQuantile(quantile);
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
