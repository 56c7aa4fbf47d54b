export type Verdict = 'pass' | 'fail' | 'no-data';

export interface TrackMetrics {
  successRate?: number;
  p99Ms?: number;
  requests?: number;
}

export interface Thresholds {
  /** Fraction 0..1 (the CLI takes a percentage). */
  minSuccessRate: number;
  maxP99Ms: number;
  minRequests: number;
  /** Fraction 0..1 the canary's success rate may fall below stable's. */
  maxDegradation: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  minSuccessRate: 0.99,
  maxP99Ms: 500,
  minRequests: 20,
  maxDegradation: 0.01,
};

export interface Decision {
  verdict: Verdict;
  reasons: string[];
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

/** pass / fail / no-data for the canary, with a reason for every failed check. */
export function decide(canary: TrackMetrics, stable: TrackMetrics, limits: Thresholds): Decision {
  const requests = canary.requests ?? 0;
  if (requests < limits.minRequests || canary.successRate === undefined) {
    return {
      verdict: 'no-data',
      reasons: [
        `canary served ${Math.round(requests)} requests in the window; at least ${limits.minRequests} needed`,
      ],
    };
  }
  const reasons: string[] = [];
  if (canary.successRate < limits.minSuccessRate) {
    reasons.push(`canary success rate ${pct(canary.successRate)} is below ${pct(limits.minSuccessRate)}`);
  }
  if (canary.p99Ms !== undefined && canary.p99Ms > limits.maxP99Ms) {
    reasons.push(`canary p99 ${canary.p99Ms.toFixed(1)} ms is above ${limits.maxP99Ms} ms`);
  }
  // Stable is the baseline only when it has enough traffic itself to be meaningful.
  if (stable.successRate !== undefined && (stable.requests ?? 0) >= limits.minRequests) {
    const drop = stable.successRate - canary.successRate;
    if (drop > limits.maxDegradation) {
      reasons.push(
        `canary success rate ${pct(canary.successRate)} is ${pct(drop)} below stable's ${pct(stable.successRate)} (allowed ${pct(limits.maxDegradation)})`,
      );
    }
  }
  return reasons.length > 0
    ? { verdict: 'fail', reasons }
    : { verdict: 'pass', reasons: ['all checks passed'] };
}
