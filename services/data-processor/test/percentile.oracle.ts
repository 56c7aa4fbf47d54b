import { SKETCH_RELATIVE_ACCURACY } from '../src/aggregates/domain/quantile-sketch.js';

/**
 * The nearest-rank percentile of `values` by brute force, from its definition: the smallest value
 * with at least `percent`% of the values at or below it.
 */
export function nearestRankPercentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const found = sorted.find((_, index) => (index + 1) * 100 >= percent * sorted.length);
  if (found === undefined) throw new Error('no values');
  return found;
}

/** Whether `estimate` is within the sketch's relative accuracy of `truth` (float rounding aside). */
export const withinSketchAccuracy = (estimate: number, truth: number): boolean =>
  Math.abs(estimate - truth) <= SKETCH_RELATIVE_ACCURACY * Math.abs(truth) * (1 + 1e-12);

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Value shapes the p95 must hold for: each draws `n` values with `random`. */
export const VALUE_SHAPES: Record<string, (n: number, random: () => number) => number[]> = {
  'mixed signs': (n, random) => Array.from({ length: n }, () => (random() - 0.5) * 100),
  identical: (n, random) => Array<number>(n).fill((random() - 0.5) * 1e4 || 1),
  negative: (n, random) => Array.from({ length: n }, () => -Math.exp((random() - 0.5) * 10)),
  // 1e-60..1e60 of both signs: readings thousands of bins apart.
  'wide range': (n, random) =>
    Array.from({ length: n }, () => (random() < 0.3 ? -1 : 1) * 10 ** ((random() - 0.5) * 120)),
  'one spike': (n, random) => Array.from({ length: n }, (_, i) => (i === n - 1 ? 90 : 20 + random())),
  'with zeros': (n, random) => Array.from({ length: n }, () => (random() < 0.4 ? 0 : random() * 10 - 2)),
};

/** `count` readings of random sign, their magnitudes spread evenly over 1e-300..1e100 (in log). */
export function logUniform(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => (random() < 0.5 ? -1 : 1) * 10 ** (-300 + 400 * random()));
}
