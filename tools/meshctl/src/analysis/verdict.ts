export type Verdict = 'pass' | 'fail' | 'no-data';

export interface TrackMetrics {
  successRate?: number;
  requests?: number;
  /** Unary gRPC and REST latency; +Infinity when beyond the histograms' largest bucket. */
  p99Ms?: number;
  /** The calls p99Ms is taken from. */
  timedCalls?: number;
}

export interface Thresholds {
  /** Fraction 0..1 (the CLI takes a percentage). */
  minSuccessRate: number;
  maxP99Ms: number;
  /** Fewer canary calls judged, or fewer behind its p99, is no data. */
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
const ms = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'over the largest histogram bucket';

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
  const timedCalls = canary.timedCalls ?? 0;
  const p99 = timedCalls >= limits.minRequests ? canary.p99Ms : undefined;
  if (p99 !== undefined && p99 > limits.maxP99Ms) {
    reasons.push(`canary p99 ${ms(p99)} is above ${limits.maxP99Ms} ms`);
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
  if (reasons.length > 0) return { verdict: 'fail', reasons };
  // Streams alone say nothing about response times: a canary nobody called unary is not known fast.
  if (p99 === undefined) {
    return {
      verdict: 'no-data',
      reasons: [
        `canary p99 rests on ${Math.round(timedCalls)} unary gRPC or REST calls in the window; at least ${limits.minRequests} needed`,
      ],
    };
  }
  return { verdict: 'pass', reasons: ['all checks passed'] };
}
