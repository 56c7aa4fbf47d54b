import { inflateRawSync } from 'node:zlib';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { DDSketch } from '@datadog/sketches-js';
import { SketchBins } from './sketch-bins.js';

/** What a sketch holds: how many values count as 0, and the bins of each sign. */
export interface SketchCounts {
  zeroCount: number;
  positive: SketchBins;
  negative: SketchBins;
}

/**
 * First bytes of the stored forms. No raw deflate stream starts with either (block type 11 is
 * reserved), so windows written before them (the sketch's protobuf, deflated) still read. Both hold
 * the zero count, then for the positive and the negative side:
 * - DENSE_FORM: the number of keys from the lowest in use to the highest, the lowest, and a count for
 *   each of them, the negative side by magnitude key. Processors from before RUN_FORM read only this
 *   one, so it is always written unless SketchWriteForms.compact allows RUN_FORM, and even then while
 *   few keys between are unused, as in ordinary windows (see fitsDense).
 * - RUN_FORM: the number of keys in use, the lowest, and their counts in key order, each gap of unused
 *   keys before a count written as 0 and the gap's length less one; the negative side's keys are its
 *   magnitudes' keys negated, so both run in value order. Written for readings far apart: its bytes
 *   grow with the keys in use, not with the distance between values.
 */
const DENSE_FORM = 0x07;
const RUN_FORM = 0x0f;

/** The forms writeSketch may choose from (the processor's SKETCH_COMPACT_FORM). */
export interface SketchWriteForms {
  /** RUN_FORM for readings far apart; off, DENSE_FORM always, which processors before RUN_FORM read. */
  compact: boolean;
}

const DENSE_ONLY: SketchWriteForms = { compact: false };

export const emptyCounts = (): SketchCounts => ({
  zeroCount: 0,
  positive: new SketchBins(),
  negative: new SketchBins(),
});

export function writeSketch(
  { zeroCount, positive, negative }: SketchCounts,
  forms: SketchWriteForms = DENSE_ONLY,
): Uint8Array {
  const dense = !forms.compact || (fitsDense(positive) && fitsDense(negative));
  const writer = new BinaryWriter().raw(Uint8Array.of(dense ? DENSE_FORM : RUN_FORM)).uint32(zeroCount);
  if (dense) {
    writeDense(writer, positive, 1);
    writeDense(writer, negative, -1);
  } else {
    writeRuns(writer, positive);
    writeRuns(writer, negative);
  }
  return writer.finish();
}

/** The sketch stored in `bytes`, in any form written so far; no bytes is an empty sketch. */
export function readSketch(bytes: Uint8Array): SketchCounts {
  const counts = emptyCounts();
  if (bytes.length === 0) return counts;
  if (bytes[0] !== RUN_FORM && bytes[0] !== DENSE_FORM) return readDeflatedProto(bytes);
  const reader = new BinaryReader(bytes.subarray(1));
  counts.zeroCount = reader.uint32();
  if (bytes[0] === RUN_FORM) {
    readRuns(reader, counts.positive);
    readRuns(reader, counts.negative);
  } else {
    readDense(reader, counts.positive, 1);
    readDense(reader, counts.negative, -1);
  }
  return counts;
}

/**
 * Whether the dense form costs at most a kilobyte more: at most 1,024 unused keys, or three per key
 * in use, a byte each. So a side whose readings lie within 8 orders of magnitude always writes it.
 */
function fitsDense(bins: SketchBins): boolean {
  const inUse = bins.binCount;
  return inUse === 0 || bins.keyAt(inUse - 1) - bins.keyAt(0) + 1 - inUse <= Math.max(1024, 3 * inUse);
}

/** One side in the dense form; `sign` -1 writes the value-ordered keys as magnitude keys. */
function writeDense(writer: BinaryWriter, bins: SketchBins, sign: 1 | -1): void {
  const inUse = bins.binCount;
  if (inUse === 0) {
    writer.uint32(0);
    return;
  }
  const [first, last] = sign === 1 ? [0, inUse - 1] : [inUse - 1, 0];
  let next = sign * bins.keyAt(first);
  writer.uint32(bins.keyAt(inUse - 1) - bins.keyAt(0) + 1).sint32(next);
  for (let index = first; index !== last + sign; index += sign) {
    const key = sign * bins.keyAt(index);
    for (; next < key; next++) writer.uint32(0);
    writer.uint32(bins.countAt(index));
    next += 1;
  }
}

function writeRuns(writer: BinaryWriter, bins: SketchBins): void {
  writer.uint32(bins.binCount);
  if (bins.binCount === 0) return;
  let next = bins.keyAt(0);
  writer.sint32(next);
  for (let index = 0; index < bins.binCount; index++) {
    const key = bins.keyAt(index);
    if (key > next) writer.uint32(0).uint32(key - next - 1);
    writer.uint32(bins.countAt(index));
    next = key + 1;
  }
}

function readRuns(reader: BinaryReader, bins: SketchBins): void {
  const inUse = reader.uint32();
  if (inUse === 0) return;
  bins.reserve(inUse);
  let key = reader.sint32();
  for (let read = 0; read < inUse;) {
    const count = reader.uint32();
    if (count === 0) {
      key += reader.uint32() + 1;
      continue;
    }
    bins.add(key, count);
    key += 1;
    read += 1;
  }
}

/**
 * Reads one side of the dense form; `sign` -1 turns magnitude keys into value-ordered keys. The bins
 * grow with the keys in use, not with the range: a window of readings from 1e-300 to 1e100 spans
 * about 46,000 keys a side, with only a few of them in use.
 */
function readDense(reader: BinaryReader, bins: SketchBins, sign: 1 | -1): void {
  const keys = reader.uint32();
  if (keys === 0) return;
  const lowest = reader.sint32();
  if (sign === 1) {
    for (let key = lowest; key < lowest + keys; key++) {
      const count = reader.uint32();
      if (count > 0) bins.add(key, count);
    }
    return;
  }
  // Highest magnitude first is lowest value first: the keys in use (key, count) are gathered, then
  // appended in value order.
  const inUse: number[] = [];
  for (let index = 0; index < keys; index++) {
    const count = reader.uint32();
    if (count > 0) inUse.push(-(lowest + index), count);
  }
  for (let pair = inUse.length - 2; pair >= 0; pair -= 2) bins.add(inUse[pair], inUse[pair + 1]);
}

function readDeflatedProto(bytes: Uint8Array): SketchCounts {
  const { zeroCount, store, negativeStore } = DDSketch.fromProto(inflateRawSync(bytes));
  const counts = emptyCounts();
  counts.zeroCount = zeroCount;
  store.bins.forEach((count, index) => count > 0 && counts.positive.add(store.offset + index, count));
  for (let index = negativeStore.bins.length - 1; index >= 0; index--) {
    const count = negativeStore.bins[index];
    if (count > 0) counts.negative.add(-(negativeStore.offset + index), count);
  }
  return counts;
}
