import { build, type Histogram } from 'hdr-histogram-js';

export interface LoadResult {
  calls: number;
  errors: number;
  seconds: number;
  latencyMs: Histogram;
}

/**
 * Runs `call` from `concurrency` workers for `seconds`, recording each call's latency (microseconds)
 * in an HdrHistogram so percentiles are exact to 3 significant digits without keeping every sample.
 */
export async function runLoad(
  call: (n: number) => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencyMs = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const until = performance.now() + seconds * 1000;
  let calls = 0;
  let errors = 0;
  let sequence = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const begin = performance.now();
      try {
        await call(sequence++);
        calls++;
        latencyMs.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls, errors, seconds: (performance.now() - started) / 1000, latencyMs };
}

/** Percentile in milliseconds from a histogram recorded in microseconds. */
export const percentileMs = (result: LoadResult, p: number) =>
  result.latencyMs.getValueAtPercentile(p) / 1000;
