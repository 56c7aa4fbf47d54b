import { QuantileSketch } from './quantile-sketch.js';

describe('quantile sketch', () => {
  it('survives serialisation and keeps accepting values', () => {
    const sketch = QuantileSketch.empty();
    for (let v = 1; v <= 100; v++) sketch.add(v);
    const restored = QuantileSketch.fromBytes(sketch.toBytes());
    expect(restored.quantile(0.5)).toBeCloseTo(sketch.quantile(0.5), 10);
    for (let v = 101; v <= 200; v++) restored.add(v);
    expect(Math.abs(restored.quantile(0.95) - 190) / 190).toBeLessThanOrEqual(0.01);
  });

  it('treats no bytes as an empty sketch', () => {
    expect(QuantileSketch.fromBytes(new Uint8Array()).quantile(0.95)).toBeNaN();
  });

  it('stores compactly', () => {
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < 1_000; i++) sketch.add(18 + (i % 100) / 10);
    expect(sketch.toBytes().length).toBeLessThan(300);
  });
});
