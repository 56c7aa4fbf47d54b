import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DDSketch } from '@datadog/sketches-js';

/** p95 is reported within 1% of the true value (relative), whatever the number of readings. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * A DDSketch of one window's values. It is stored as the sketch's own protobuf form (toProto),
 * deflated: the dense store pads its bins in chunks of 128 zero counts, so the raw form is 1-6 KB
 * while the deflated one is tens to hundreds of bytes — and there is one per window.
 */
export class QuantileSketch {
  private constructor(private readonly sketch: DDSketch) {}

  static empty(): QuantileSketch {
    return new QuantileSketch(new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }));
  }

  /** The sketch stored by `toBytes`; no bytes means an empty sketch. */
  static fromBytes(bytes: Uint8Array): QuantileSketch {
    if (bytes.length === 0) return QuantileSketch.empty();
    return new QuantileSketch(DDSketch.fromProto(inflateRawSync(bytes)));
  }

  toBytes(): Uint8Array {
    // The fastest level: a sketch is rewritten on every batch that touches its window, and the
    // stored size barely differs from the default level's (any level inflates the same way).
    return deflateRawSync(this.sketch.toProto(), { level: 1 });
  }

  add(value: number): void {
    this.sketch.accept(value);
  }

  /** The estimated value at `quantile` (0..1); NaN while the sketch is empty. */
  quantile(quantile: number): number {
    return this.sketch.getValueAtQuantile(quantile);
  }
}
