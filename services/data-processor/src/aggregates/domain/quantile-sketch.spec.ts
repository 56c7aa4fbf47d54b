import { deflateRawSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';
import { logUniform, nearestRankPercentile, withinSketchAccuracy } from '../../../test/percentile.oracle.js';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './quantile-sketch.js';

const PERCENTILES = [0, 1, 25, 50, 75, 95, 99, 100];
const COMPACT = { compact: true };

describe('quantile sketch', () => {
  it('survives serialisation and keeps accepting values', () => {
    const sketch = QuantileSketch.empty();
    for (let v = 1; v <= 100; v++) sketch.add(v);
    const restored = QuantileSketch.fromBytes(sketch.toBytes());
    expect(restored.percentile(50)).toBeCloseTo(sketch.percentile(50), 10);
    for (let v = 101; v <= 200; v++) restored.add(v);
    expect(Math.abs(restored.percentile(95) - 190) / 190).toBeLessThanOrEqual(0.01);
  });

  it('keeps negative values, zeros and large counts exactly as they were', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 100_000; i++) sketch.add(-40 + (i % 9) * 10);
    const restored = QuantileSketch.fromBytes(sketch.toBytes());
    for (const p of PERCENTILES) expect(restored.percentile(p)).toBe(sketch.percentile(p));
  });

  it('reads windows stored before the compact form (the deflated protobuf)', () => {
    const legacy = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
    const current = QuantileSketch.empty();
    for (let v = -5; v <= 300; v += 0.7) {
      legacy.accept(v);
      current.add(v);
    }
    const restored = QuantileSketch.fromBytes(deflateRawSync(legacy.toProto(), { level: 1 }));
    // The stored mapping's gamma went through a float field, hence the last few bits.
    for (const p of PERCENTILES) expect(restored.percentile(p)).toBeCloseTo(current.percentile(p), 9);
  });

  it('gives the nearest-rank percentile of sketches stored in either form before', () => {
    // Stored sketches hold only bins, so windows written before read the same way as new ones.
    const values = [1, 100, -3, 42, 0, 7.5, 250, -80, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
    const legacy = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
    const compact = QuantileSketch.empty();
    for (const v of values) {
      legacy.accept(v);
      compact.add(v);
    }
    const stored = [
      QuantileSketch.fromBytes(deflateRawSync(legacy.toProto(), { level: 1 })),
      QuantileSketch.fromBytes(compact.toBytes()),
    ];
    for (const sketch of stored) {
      for (const p of PERCENTILES) {
        expect([p, withinSketchAccuracy(sketch.percentile(p), nearestRankPercentile(values, p))]).toEqual([
          p,
          true,
        ]);
      }
    }
  });

  it('reads windows stored in the dense form, with the negative side by magnitude', () => {
    // [-2.2, -2, -2, 0, 0, 1, 1.05, 1.5, 2, 2, 2.2] as toBytes wrote it before the run form.
    const dense = Buffer.from(
      '0702290001000001000000000000000000000000000000000001000000000000000000000000000200000000010646020000000001',
      'hex',
    );
    const current = QuantileSketch.empty();
    [-2.2, -2, -2, 0, 0, 1, 1.05, 1.5, 2, 2, 2.2].forEach((v) => current.add(v));
    const restored = QuantileSketch.fromBytes(dense);
    for (const p of [...PERCENTILES, 10, 20, 30, 45])
      expect(restored.percentile(p)).toBe(current.percentile(p));
    // Written in that form again, byte for byte, so processors from before the run form read it.
    expect(current.toBytes()).toEqual(new Uint8Array(dense));
    expect(restored.toBytes()).toEqual(new Uint8Array(dense));
  });

  it('treats no bytes as an empty sketch', () => {
    expect(QuantileSketch.fromBytes(new Uint8Array()).percentile(95)).toBeNaN();
    expect(QuantileSketch.fromBytes(QuantileSketch.empty().toBytes()).percentile(95)).toBeNaN();
  });

  it('stores compactly', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 1_000; i++) sketch.add(18 + (i % 100) / 10);
    expect(sketch.toBytes().length).toBeLessThan(300);
  });

  it('stores readings far apart in a few bytes with the compact form: the bins in use, not the keys between', () => {
    const sketch = sketchOf([1e-300, 1e100, -1e-300, -1e100]);
    expect(sketch.toBytes(COMPACT).length).toBeLessThan(40);
    const spread = sketchOf(Array.from({ length: 60 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (i - 30)));
    expect(spread.toBytes(COMPACT).length).toBeLessThan(300);
    // Without it, a byte for each of the ~46,000 keys between, a side: what the previous release reads.
    expect(sketch.toBytes().length).toBeLessThan(96_000);
    for (const forms of [COMPACT, undefined]) {
      const restored = QuantileSketch.fromBytes(sketch.toBytes(forms));
      for (const p of PERCENTILES) expect(restored.percentile(p)).toBe(sketch.percentile(p));
    }
  });

  it.each([
    // At most 2 × 2048 counts, each after the gap before it: about 3 bytes a bin here.
    ['the compact form', COMPACT, 2 * 2048 * 4],
    // A byte for each key from the lowest bin kept to the highest, a side.
    ['the dense form', undefined, 100_000],
  ])(
    'keeps at most 2048 bins a side however many readings and however far apart, in %s',
    (_, forms, most) => {
      const values = logUniform(50_000, 42);
      const bytes = sketchOf(values).toBytes(forms);
      expect(bytes.length).toBeLessThan(most);
      expect(QuantileSketch.fromBytes(bytes).toBytes(forms)).toEqual(bytes);
    },
  );

  it('keeps p95 within 1% in windows of up to 40,000 readings, however far apart', () => {
    const cases = [
      // One reading of 3.4e38 (a sensor's error value) among ordinary ones.
      [...Array.from({ length: 99 }, (_, i) => 20 + (i % 50) / 10), 3.4e38],
      [...Array<number>(95).fill(1), ...Array<number>(5).fill(1e100), -1e-300],
      [...Array<number>(95).fill(-1), ...Array<number>(5).fill(-1e-300)],
      logUniform(40_000, 7),
      logUniform(40_000, 8).map((v) => -Math.abs(v)),
    ];
    for (const values of cases) {
      const truth = nearestRankPercentile(values, 95);
      const p95 = sketchOf(values).percentile(95, extremesOf(values));
      expect([truth, withinSketchAccuracy(p95, truth)]).toEqual([truth, true]);
    }
  });

  it('reports p95 too high only once more than 2048 bins of its sign lie above it', () => {
    // 47,500 readings of ±1, then 2,500 in bins of their own above them, up to 25 orders away.
    const above = Array.from({ length: 2_500 }, (_, i) => 10 ** (0.01 * (i + 1)));
    const positive = [...Array<number>(47_500).fill(1), ...above];
    const negative = [...Array<number>(47_500).fill(-1), ...above.map((v) => -1 / v)];
    for (const values of [positive, negative]) {
      const extremes = extremesOf(values);
      const p95 = sketchOf(values).percentile(95, extremes);
      expect(nearestRankPercentile(values, 95)).toBe(values[0]);
      expect(p95).toBeGreaterThan(values[0] * 1.01);
      expect(p95).toBeLessThanOrEqual(extremes.max);
    }
  });
});

function sketchOf(values: readonly number[]): QuantileSketch {
  const sketch = QuantileSketch.empty();
  values.forEach((v) => sketch.add(v));
  return sketch;
}

const extremesOf = (values: readonly number[]) => ({ min: Math.min(...values), max: Math.max(...values) });
