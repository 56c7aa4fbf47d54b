import type { AnalysisResult } from '../analysis/analyze.js';
import type { Verdict } from '../analysis/verdict.js';
import type { ReleaseTarget } from '../cluster/cluster.port.js';
import { FailingCluster } from '../../test/failing-cluster.js';
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
  steps: [10, 25, 50],
  intervalMs: 60_000,
  failureThreshold: 2,
  deadlineMs: 180_000,
};

interface Faults {
  /** helm upgrade lines that fail (as a --wait that times out). */
  failsOn?: RegExp;
  /** How many of the matching upgrades fail (default: every one). */
  failures?: number;
  analyzeError?: string;
  recordError?: string;
}

async function run(verdicts: Verdict[], faults: Faults = {}) {
  const cluster = new FailingCluster(faults.failsOn ?? /$^/, faults.failures);
  await cluster.upgrade(target, [{ key: 'stable.image.tag', value: 'v1' }]);
  const ops = new ReleaseOps(cluster, target);
  let call = 0;
  const analyze = () => {
    if (faults.analyzeError) return Promise.reject(new Error(faults.analyzeError));
    const verdict = verdicts[Math.min(call++, verdicts.length - 1)] ?? 'no-data';
    return Promise.resolve({ verdict, reasons: [verdict] } as AnalysisResult);
  };
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const outcome = await autoCanary(plan, {
    ops,
    analyze,
    record: (r) =>
      faults.recordError ? Promise.reject(new Error(faults.recordError)) : cluster.recordAnalysis(target, r),
    clock,
  });
  return {
    cluster,
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
      canaryHeaderRoute: true,
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
    expect(text.split('\n').slice(-2)).toEqual([
      'release: stable v2, no canary, traffic 100/0',
      'result: promoted',
    ]);
  });

  it.each<[string, Faults, string]>([
    [
      'recording the verdict',
      { recordError: 'kubectl apply failed: Forbidden' },
      'error: kubectl apply failed: Forbidden',
    ],
    ['Prometheus', { analyzeError: 'fetch failed' }, 'error: fetch failed'],
    ['a weight step', { failsOn: /traffic.canary=50 / }, 'error: helm upgrade failed'],
  ])('rolls back when %s fails after the canary exists', async (_, faults, why) => {
    const { outcome, state, cluster } = await run(['pass'], faults);
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.timeline.at(-1)).toMatchObject({ event: 'rollback' });
    expect(outcome.timeline.at(-1)?.detail.startsWith(why)).toBe(true);
    expect(cluster.releaseCommands.slice(-2)).toEqual([
      expect.stringMatching(
        /--set traffic.stable=100 --set traffic.canary=0 --set canary.headerRoute=false --timeout 10m$/,
      ),
      expect.stringMatching(
        /--set canary.enabled=false --set-string canary.image.tag= --set canary.headerRoute=true --wait --timeout 10m$/,
      ),
    ]);
    expect(state?.values).toMatchObject({ canaryEnabled: false, stableWeight: 100, canaryWeight: 0 });
  });

  describe('when the promotion fails part-way', () => {
    const RESTORE =
      /--set-string stable.image.tag=v1 --set traffic.stable=100 --set traffic.canary=0 --set canary.headerRoute=false --timeout 10m$/;
    const REMOVE =
      /--set canary.enabled=false --set-string canary.image.tag= --set canary.headerRoute=true --wait --timeout 10m$/;

    it.each<[string, RegExp]>([
      ['stable never got ready on the new tag', /stable.image.tag=v2 /],
      // Stable already runs v2 here: removing the canary alone would leave v2 live behind "rolled back".
      [
        'all traffic to stable failed, stable already on v2',
        /reuse-values --set traffic.stable=100 --set traffic.canary=0 --set canary.headerRoute=false --timeout/,
      ],
      ['removing the canary timed out, stable on v2 with all traffic', REMOVE],
    ])('puts the previous stable tag back and says so: %s', async (_, failsOn) => {
      const { outcome, state, cluster } = await run(['pass'], { failsOn, failures: 1 });
      expect(outcome.result).toBe('rolled-back');
      expect(outcome.timeline.slice(-2).map((e) => `${e.event}: ${e.detail.split('\n')[0]}`)).toEqual([
        expect.stringMatching(/^promote: failed: helm upgrade failed/),
        'rollback: promotion failed: stable back to v1',
      ]);
      expect(cluster.releaseCommands.slice(-2)).toEqual([
        expect.stringMatching(RESTORE),
        expect.stringMatching(REMOVE),
      ]);
      expect(state?.values).toEqual({
        stableTag: 'v1',
        canaryEnabled: false,
        canaryTag: '',
        canaryHeaderRoute: true,
        stableWeight: 100,
        canaryWeight: 0,
      });
      expect(outcome.final).toEqual(state?.values);
    });

    it('reports rollback-failed, and what the release runs, when putting stable back fails too', async () => {
      const { outcome } = await run(['pass'], { failsOn: REMOVE });
      expect(outcome.result).toBe('rollback-failed');
      expect(outcome.timeline.at(-1)?.detail).toMatch(/^failed: helm upgrade failed/);
      const text = formatTimeline(outcome);
      expect(text.split('\n').slice(-2)).toEqual([
        'release: stable v1, no canary, traffic 100/0',
        'result: rollback-failed',
      ]);
    });
  });

  it('removes a canary that never gets ready; it never had traffic or an analysis', async () => {
    await expect(run(['pass'], { failsOn: /canary.image.tag=v2 / })).rejects.toThrow(
      /context deadline exceeded\nrolled back: all traffic on stable, canary removed/,
    );
  });

  it('refuses while another canary runs, and leaves that one alone', async () => {
    const cluster = new FailingCluster(/$^/);
    const ops = new ReleaseOps(cluster, target);
    await ops.deploy('v1');
    await ops.startCanary('v0', 10);
    const deps = { ops, analyze: () => Promise.reject(new Error('unused')), record: () => Promise.resolve() };
    await expect(autoCanary(plan, { ...deps, clock: new FakeClock() })).rejects.toThrow(
      /already has canary v0/,
    );
    expect((await ops.state())?.values).toMatchObject({
      canaryEnabled: true,
      canaryTag: 'v0',
      canaryWeight: 10,
    });
  });
});
