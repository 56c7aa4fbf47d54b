import type fc from 'fast-check';

/**
 * Fixed seed (override with RELIABILITY_SEED) so a failure reproduces; fast-check prints the seed and
 * the shrunk counterexample when a property fails, and the run prints the seed it used up front.
 */
export const FUZZ_SEED = Number(process.env['RELIABILITY_SEED'] ?? 20261122);

export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns, endOnFailure: true };
}
