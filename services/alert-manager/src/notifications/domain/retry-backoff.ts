export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before the next hand-over attempt: doubling from `initialMs`, capped at `maxMs`, with up
 * to 20% random reduction so many entries failed at once do not retry in lockstep.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (1 - 0.2 * random()));
}
