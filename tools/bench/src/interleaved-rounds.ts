import type { LoadResult } from './load-loop.js';

/** One run of a side's load, with the CPU time its server spent meanwhile. */
export interface MeasuredRun extends LoadResult {
  serverCpuSeconds: number;
}

/** One side of a comparison: runs its load for `seconds`. */
export type Side = (seconds: number) => Promise<MeasuredRun>;

export interface InterleavedResult extends LoadResult {
  /** The server process's CPU time per call over all rounds. */
  serverCpuUsPerCall: number;
  /** Calls per second in each round, in round order. */
  roundCallsPerSecond: number[];
}

export interface RoundSettings {
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
}

/**
 * Runs every side for `warmupSeconds` unrecorded, then `rounds` rounds in which each side runs for
 * `roundSeconds`, in turn, the order reversed every other round. This machine's speed drifts by a
 * third within minutes, so sides measured one after the other compare the machine's moments as much as
 * the sides; taken in turn, each round's ratio compares them at nearly the same moment.
 */
export async function interleavedRounds(
  sides: readonly Side[],
  { rounds, roundSeconds, warmupSeconds }: RoundSettings,
): Promise<InterleavedResult[]> {
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`rounds must be a whole number from 1, got ${rounds}`);
  for (const side of sides) await side(warmupSeconds);
  const runs: MeasuredRun[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, index) => (round % 2 === 0 ? index : sides.length - 1 - index));
    for (const index of order) runs[index].push(await sides[index](roundSeconds));
  }
  return runs.map(combined);
}

function combined(runs: readonly MeasuredRun[]): InterleavedResult {
  const [first, ...rest] = runs;
  for (const run of rest) first.latencyMs.add(run.latencyMs);
  const calls = runs.reduce((sum, run) => sum + run.calls, 0);
  const cpuSeconds = runs.reduce((sum, run) => sum + run.serverCpuSeconds, 0);
  return {
    calls,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    latencyMs: first.latencyMs,
    serverCpuUsPerCall: calls > 0 ? (cpuSeconds * 1e6) / calls : 0,
    roundCallsPerSecond: runs.map((run) => run.calls / run.seconds),
  };
}

/** The median over rounds of one side's calls/s over another's in the same round, with the range. */
export function roundRatios(
  side: InterleavedResult,
  base: InterleavedResult,
): { median: number; min: number; max: number } {
  const ratios = side.roundCallsPerSecond
    .map((perSecond, round) => perSecond / base.roundCallsPerSecond[round])
    .sort((x, y) => x - y);
  const middle = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  return { median, min: ratios[0], max: ratios[ratios.length - 1] };
}
