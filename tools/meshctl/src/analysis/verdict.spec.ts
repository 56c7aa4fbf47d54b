import { decide, DEFAULT_THRESHOLDS } from './verdict.js';

const healthy = { successRate: 0.999, requests: 500, p99Ms: 40, timedCalls: 400 };

describe('canary verdict', () => {
  it('passes a canary within every threshold', () => {
    expect(decide(healthy, healthy, DEFAULT_THRESHOLDS)).toEqual({
      verdict: 'pass',
      reasons: ['all checks passed'],
    });
  });

  it('is no-data below the minimum request count or without a success rate', () => {
    expect(decide({ ...healthy, requests: 5 }, healthy, DEFAULT_THRESHOLDS)).toEqual({
      verdict: 'no-data',
      reasons: ['canary served 5 requests in the window; at least 20 needed'],
    });
    expect(decide({}, healthy, DEFAULT_THRESHOLDS).verdict).toBe('no-data');
  });

  it('fails a low success rate and a slow p99, naming both', () => {
    const { verdict, reasons } = decide(
      { successRate: 0.8, requests: 500, p99Ms: 900, timedCalls: 400 },
      {},
      DEFAULT_THRESHOLDS,
    );
    expect(verdict).toBe('fail');
    expect(reasons).toEqual([
      'canary success rate 80.00% is below 99.00%',
      'canary p99 900.0 ms is above 500 ms',
    ]);
  });

  it('fails a canary that trails stable by more than allowed, even above the floor', () => {
    const limits = { ...DEFAULT_THRESHOLDS, minSuccessRate: 0.9, maxDegradation: 0.02 };
    const result = decide({ ...healthy, successRate: 0.95 }, { ...healthy, successRate: 1 }, limits);
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/5\.00% below stable's 100\.00%/);
  });

  it('ignores a stable baseline with too little traffic', () => {
    const limits = { ...DEFAULT_THRESHOLDS, minSuccessRate: 0.9 };
    expect(decide({ ...healthy, successRate: 0.95 }, { successRate: 1, requests: 3 }, limits).verdict).toBe(
      'pass',
    );
  });

  it('is no-data, not pass, when too few unary or REST calls are behind the p99 (streams do not count)', () => {
    const streamsOnly = { ...healthy, p99Ms: 2, timedCalls: 5 };
    expect(decide(streamsOnly, healthy, DEFAULT_THRESHOLDS)).toEqual({
      verdict: 'no-data',
      reasons: ['canary p99 rests on 5 unary gRPC or REST calls in the window; at least 20 needed'],
    });
    expect(decide({ ...healthy, p99Ms: undefined }, healthy, DEFAULT_THRESHOLDS).verdict).toBe('no-data');
  });

  it('still fails a canary whose success rate fails when its latency is unknown', () => {
    const result = decide({ successRate: 0.5, requests: 500 }, healthy, DEFAULT_THRESHOLDS);
    expect(result.verdict).toBe('fail');
  });

  it('fails a p99 beyond the largest histogram bucket', () => {
    expect(decide({ ...healthy, p99Ms: Infinity }, healthy, DEFAULT_THRESHOLDS)).toEqual({
      verdict: 'fail',
      reasons: ['canary p99 over the largest histogram bucket is above 500 ms'],
    });
  });
});
