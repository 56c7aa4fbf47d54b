import { deflateRawSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';
import { nearestRankPercentile, withinSketchAccuracy } from '../../../test/percentile.oracle.js';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './quantile-sketch.js';

const PERCENTILES = [0, 1, 25, 50, 75, 95, 99, 100];

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

  it('treats no bytes as an empty sketch', () => {
    expect(QuantileSketch.fromBytes(new Uint8Array()).percentile(95)).toBeNaN();
    expect(QuantileSketch.fromBytes(QuantileSketch.empty().toBytes()).percentile(95)).toBeNaN();
  });

  it('stores compactly', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 1_000; i++) sketch.add(18 + (i % 100) / 10);
    expect(sketch.toBytes().length).toBeLessThan(300);
  });
});
