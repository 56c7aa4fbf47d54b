import type { AnalysisResult } from '../analysis/analyze.js';
import type { Verdict } from '../analysis/verdict.js';
import type { ReleaseTarget } from '../cluster/cluster.port.js';
import { DryRunCluster } from '../cluster/dry-run-cluster.js';
import { ReleaseOps } from '../release/release-ops.js';
import { autoCanary, formatTimeline, type AutoPlan } from './auto-canary.js';
import { FakeClock } from './clock.js';

const target: ReleaseTarget = {
  service: 'device-registry',
  namespace: 'device-registry',
  chart: 'helm/device-registry',
};
const plan: AutoPlan = {
  canaryTag: 'v2',
  steps: [10, 50, 100],
  intervalMs: 60_000,
  failureThreshold: 2,
  deadlineMs: 180_000,
};

async function run(verdicts: Verdict[]) {
  const cluster = new DryRunCluster();
  await cluster.upgrade(target, [{ key: 'stable.image.tag', value: 'v1' }]);
  const ops = new ReleaseOps(cluster, target);
  let call = 0;
  const analyze = () => {
    const verdict = verdicts[Math.min(call++, verdicts.length - 1)] ?? 'no-data';
    return Promise.resolve({ verdict, reasons: [verdict] } as AnalysisResult);
  };
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const outcome = await autoCanary(plan, {
    ops,
    analyze,
    record: (r) => cluster.recordAnalysis(target, r),
    clock,
  });
  return {
    outcome,
    state: await ops.state(),
    events: outcome.timeline.map((e) => `${e.atMs / 1000}s ${e.event}`),
  };
}

describe('canary auto', () => {
  it('steps through every weight on passing analyses and promotes', async () => {
    const { outcome, state, events } = await run(['pass']);
    expect(outcome.result).toBe('promoted');
    expect(events).toEqual([
      '0s start',
      '60s analysis',
      '60s weight',
      '120s analysis',
      '120s weight',
      '180s analysis',
      '180s promote',
    ]);
    expect(state?.values).toEqual({
      stableTag: 'v2',
      canaryEnabled: false,
      canaryTag: '',
      stableWeight: 100,
      canaryWeight: 0,
    });
    expect(state?.lastAnalysis?.verdict).toBe('pass');
  });

  it('rolls back when failed analyses reach the threshold', async () => {
    const { outcome, state, events } = await run(['pass', 'fail', 'pass', 'fail']);
    expect(outcome.result).toBe('rolled-back');
    expect(events.slice(-2)).toEqual(['240s analysis', '240s rollback']);
    expect(outcome.timeline.at(-1)?.detail).toBe('2 failed analyses (threshold 2)');
    expect(state?.values).toMatchObject({
      stableTag: 'v1',
      canaryEnabled: false,
      stableWeight: 100,
      canaryWeight: 0,
    });
  });

  it('rolls back when a step has no data past the deadline', async () => {
    const { outcome, state, events } = await run(['no-data']);
    expect(outcome.result).toBe('rolled-back');
    expect(events).toEqual(['0s start', '60s analysis', '120s analysis', '180s analysis', '180s rollback']);
    expect(outcome.timeline.at(-1)?.detail).toBe('no data for 180s at 10%');
    expect(state?.values.stableTag).toBe('v1');
  });

  it('prints a timeline with the result', async () => {
    const { outcome } = await run(['pass']);
    const text = formatTimeline(outcome);
    expect(text.split('\n')[0]).toBe('+    0s  start     canary v2 at 10%');
    expect(text.split('\n').at(-1)).toBe('result: promoted');
  });
});
