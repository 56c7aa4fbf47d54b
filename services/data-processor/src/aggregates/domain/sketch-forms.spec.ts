import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { logUniform, VALUE_SHAPES, seededRandom } from '../../../test/percentile.oracle.js';
import { QuantileSketch } from './quantile-sketch.js';
import { SKETCH_BIN_LIMIT, type SketchBins } from './sketch-bins.js';
import { readSketch, type SketchCounts } from './sketch-forms.js';

// First bytes of the stored forms (sketch-forms.ts): the previous release reads only the dense one.
const DENSE_FORM = 0x07;
const RUN_FORM = 0x0f;

/** One side as the previous release read it: a count for each key from the lowest, by magnitude. */
function readSideAsPreviousRelease(reader: BinaryReader): [number, number][] {
  const keys = reader.uint32();
  if (keys === 0) return [];
  const lowest = reader.sint32();
  return Array.from({ length: keys }, (_, index): [number, number] => [
    lowest + index,
    reader.uint32(),
  ]).filter(([, count]) => count > 0);
}

/** What the previous release reads in `bytes`, as its reader parsed them; every byte must be used. */
function readAsPreviousRelease(bytes: Uint8Array) {
  expect(bytes[0]).toBe(DENSE_FORM);
  const reader = new BinaryReader(bytes.subarray(1));
  const read = {
    zeroCount: reader.uint32(),
    positive: readSideAsPreviousRelease(reader),
    negative: readSideAsPreviousRelease(reader),
  };
  expect(reader.pos).toBe(reader.len);
  return read;
}

/** The keys in use with their counts, the negative side by magnitude key as the dense form has it. */
const binsOf = (bins: SketchBins, sign: 1 | -1) =>
  Array.from({ length: bins.binCount }, (_, index): [number, number] => [
    sign * bins.keyAt(index),
    bins.countAt(index),
  ]).sort(([a], [b]) => a - b);

/** What `counts` hold, as the previous release's reader gives it. */
const asDense = ({ zeroCount, positive, negative }: SketchCounts) => ({
  zeroCount,
  positive: binsOf(positive, 1),
  negative: binsOf(negative, -1),
});

const sketchOf = (values: readonly number[]) => {
  const sketch = QuantileSketch.empty();
  values.forEach((v) => sketch.add(v));
  return sketch;
};

const random = seededRandom(24);
const WINDOWS: Record<string, number[]> = {
  'four readings of ±1e-300 and ±1e100': [1e-300, 1e100, -1e-300, -1e100],
  'readings at the smallest magnitude kept': [2.3e-308, 1e100, -2.3e-308, -1e100],
  '50,000 readings over 400 orders of magnitude': logUniform(50_000, 42),
  ...Object.fromEntries(Object.entries(VALUE_SHAPES).map(([name, shape]) => [name, shape(500, random)])),
};

describe('sketch forms', () => {
  it.each(Object.entries(WINDOWS))(
    'writes only the dense form by default, which the previous release reads the same: %s',
    (_, values) => {
      const sketch = sketchOf(values);
      for (const bytes of [sketch.toBytes(), sketch.toBytes({ compact: false })]) {
        expect(bytes[0]).not.toBe(RUN_FORM);
        expect(readAsPreviousRelease(bytes)).toEqual(asDense(readSketch(bytes)));
      }
    },
  );

  it('writes readings far apart in the run form once the compact form is on, and reads both alike', () => {
    const sketch = sketchOf(WINDOWS['four readings of ±1e-300 and ±1e100']);
    const [dense, runs] = [sketch.toBytes(), sketch.toBytes({ compact: true })];
    expect([dense[0], runs[0]]).toEqual([DENSE_FORM, RUN_FORM]);
    expect(asDense(readSketch(runs))).toEqual(asDense(readSketch(dense)));
    // Ordinary readings get the dense form either way.
    expect(sketchOf([18, 19.5, 21]).toBytes({ compact: true })[0]).toBe(DENSE_FORM);
  });

  it('reads a wide dense window into memory for its bins in use, not for the keys between', () => {
    const bytes = sketchOf(WINDOWS['four readings of ±1e-300 and ±1e100']).toBytes();
    expect(bytes.length).toBeGreaterThan(90_000); // a byte for each key between, a side
    const before = process.memoryUsage().arrayBuffers;
    const counts = readSketch(bytes);
    // Typed arrays allocated by the read and not yet collected: 4 bytes a key would be 184 KB a side.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024);
    expect([counts.positive.binCount, counts.negative.binCount]).toEqual([2, 2]);
  });

  it('keeps the highest SKETCH_BIN_LIMIT bins a side of a dense window written with more', () => {
    // As the processor wrote before the limit: 5,000 keys in use a side, a reading in each.
    const writer = new BinaryWriter().raw(Uint8Array.of(DENSE_FORM)).uint32(0);
    for (let side = 0; side < 2; side++) {
      writer.uint32(5_000).sint32(100);
      for (let key = 0; key < 5_000; key++) writer.uint32(1);
    }
    const { positive, negative } = readSketch(writer.finish());
    const dropped = 5_000 - SKETCH_BIN_LIMIT;
    expect([positive.binCount, positive.count, negative.binCount, negative.count]).toEqual([
      SKETCH_BIN_LIMIT,
      5_000,
      SKETCH_BIN_LIMIT,
      5_000,
    ]);
    // The lowest keys merged into the lowest kept: the smallest magnitudes, the largest ones' negated.
    expect([positive.keyAt(0), positive.countAt(0), positive.keyAt(SKETCH_BIN_LIMIT - 1)]).toEqual([
      100 + dropped,
      dropped + 1,
      5_099,
    ]);
    expect([negative.keyAt(0), negative.countAt(0), negative.keyAt(SKETCH_BIN_LIMIT - 1)]).toEqual([
      -(100 + SKETCH_BIN_LIMIT - 1),
      dropped + 1,
      -100,
    ]);
  });
});
