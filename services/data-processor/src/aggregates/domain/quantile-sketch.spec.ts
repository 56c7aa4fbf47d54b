import { deflateRawSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './quantile-sketch.js';

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.95, 0.99, 1];

describe('quantile sketch', () => {
  it('survives serialisation and keeps accepting values', () => {
    const sketch = QuantileSketch.empty();
    for (let v = 1; v <= 100; v++) sketch.add(v);
    const restored = QuantileSketch.fromBytes(sketch.toBytes());
    expect(restored.quantile(0.5)).toBeCloseTo(sketch.quantile(0.5), 10);
    for (let v = 101; v <= 200; v++) restored.add(v);
    expect(Math.abs(restored.quantile(0.95) - 190) / 190).toBeLessThanOrEqual(0.01);
  });

  it('keeps negative values, zeros and large counts exactly as they were', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 100_000; i++) sketch.add(-40 + (i % 9) * 10);
    const restored = QuantileSketch.fromBytes(sketch.toBytes());
    for (const q of QUANTILES) expect(restored.quantile(q)).toBe(sketch.quantile(q));
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
    for (const q of QUANTILES) expect(restored.quantile(q)).toBeCloseTo(current.quantile(q), 9);
  });

  it('treats no bytes as an empty sketch', () => {
    expect(QuantileSketch.fromBytes(new Uint8Array()).quantile(0.95)).toBeNaN();
    expect(QuantileSketch.fromBytes(QuantileSketch.empty().toBytes()).quantile(0.95)).toBeNaN();
  });

  it('stores compactly', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 1_000; i++) sketch.add(18 + (i % 100) / 10);
    expect(sketch.toBytes().length).toBeLessThan(300);
  });
});
