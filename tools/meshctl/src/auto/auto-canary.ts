import type { AnalysisRecord } from '../cluster/cluster.port.js';
import type { ReleaseOps } from '../release/release-ops.js';
import type { ReleaseValues } from '../release/release-values.js';
import type { AnalysisResult } from '../analysis/analyze.js';
import type { Clock } from './clock.js';

export interface AutoPlan {
  canaryTag: string;
  /** Rising canary weights below 100 (stable stays the baseline); after the last passes, promote. */
  steps: number[];
  intervalMs: number;
  /** Failed analyses (in total) that trigger a rollback. */
  failureThreshold: number;
  /** How long one step may go without a decisive analysis before rolling back. */
  deadlineMs: number;
}

export interface TimelineEvent {
  atMs: number;
  event: 'start' | 'weight' | 'analysis' | 'promote' | 'rollback';
  detail: string;
}

/**
 * promoted: stable runs the canary's tag, canary gone. rolled-back: the release is as before the run
 * (stable's tag, all traffic on it, canary gone). rollback-failed: neither; `final` says what it is.
 */
export type AutoResult = 'promoted' | 'rolled-back' | 'rollback-failed';

export interface AutoOutcome {
  result: AutoResult;
  timeline: TimelineEvent[];
  /** The release as the run left it, read back afterwards. */
  final?: ReleaseValues;
}

export interface AutoDeps {
  ops: ReleaseOps;
  analyze: () => Promise<AnalysisResult>;
  record: (record: AnalysisRecord) => Promise<void>;
  clock: Clock;
  /** Each event as it happens, so Jenkins shows progress. */
  onEvent?: (event: TimelineEvent) => void;
}

type Note = (event: TimelineEvent['event'], detail: string) => void;

/** Progressive delivery in the manner of Flagger, driven from a pipeline step. */
export async function autoCanary(plan: AutoPlan, deps: AutoDeps): Promise<AutoOutcome> {
  const { ops, clock } = deps;
  const startedAt = clock.now();
  const timeline: TimelineEvent[] = [];
  const note: Note = (event, detail) => {
    const entry = { atMs: clock.now() - startedAt, event, detail };
    timeline.push(entry);
    deps.onEvent?.(entry);
  };

  const finish = async (result: AutoResult): Promise<AutoOutcome> => {
    // Reading the release back must not turn a finished run into an error.
    const final = await ops.state().then(
      (state) => state?.values,
      () => undefined,
    );
    return { result, timeline, ...(final ? { final } : {}) };
  };
  /** Runs a rollback; rolled-back when it went through, rollback-failed (and why) when not. */
  const undo = async (why: string, rollback: () => Promise<unknown>): Promise<AutoOutcome> => {
    note('rollback', why);
    try {
      await rollback();
      return await finish('rolled-back');
    } catch (error) {
      note('rollback', `failed: ${message(error)}`);
      return finish('rollback-failed');
    }
  };

  const previousStable = (await ops.state())?.values.stableTag;
  const first = plan.steps[0] ?? 100;
  // Refuses (changing nothing) or starts the canary; a start that fails removes it itself.
  await ops.startCanary(plan.canaryTag, first);
  note('start', `canary ${plan.canaryTag} at ${first}%`);
  let failed: string | undefined;
  try {
    failed = await runSteps(plan, deps, note);
  } catch (error) {
    // Whatever broke (an upgrade, Prometheus, recording the verdict), no canary is left with traffic.
    failed = `error: ${message(error)}`;
  }
  if (failed !== undefined) return undo(failed, () => ops.rollback());
  try {
    note('promote', `${await ops.promote(plan.canaryTag)} is now stable`);
  } catch (error) {
    // Promotion is three upgrades and stable may already run the canary's tag: rolling back puts the
    // previous stable tag back, so "rolled-back" still means the release is as it was before the run.
    note('promote', `failed: ${message(error)}`);
    if (previousStable === undefined) return undo('promotion failed', () => ops.rollback());
    return undo(`promotion failed: stable back to ${previousStable}`, () =>
      ops.restoreStable(previousStable),
    );
  }
  return finish('promoted');
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Analyses each step and moves on; the reason to roll back, or undefined when every step passed. */
async function runSteps(plan: AutoPlan, deps: AutoDeps, note: Note): Promise<string | undefined> {
  const { ops, clock } = deps;
  let failures = 0;
  for (const [index, weight] of plan.steps.entries()) {
    if (index > 0) {
      await ops.setWeights(100 - weight, weight);
      note('weight', `stable ${100 - weight}% / canary ${weight}%`);
    }
    const stepStartedAt = clock.now();
    for (;;) {
      await clock.sleep(plan.intervalMs);
      const analysis = await deps.analyze();
      note('analysis', `${analysis.verdict}: ${analysis.reasons.join('; ')}`);
      await deps.record({
        at: new Date(clock.now()).toISOString(),
        verdict: analysis.verdict,
        reasons: analysis.reasons,
        canaryTag: plan.canaryTag,
      });
      if (analysis.verdict === 'pass') break;
      if (analysis.verdict === 'fail' && ++failures >= plan.failureThreshold) {
        return `${failures} failed analyses (threshold ${plan.failureThreshold})`;
      }
      if (analysis.verdict === 'no-data' && clock.now() - stepStartedAt >= plan.deadlineMs) {
        return `no data for ${Math.round((clock.now() - stepStartedAt) / 1000)}s at ${weight}%`;
      }
    }
  }
  return undefined;
}

/** "stable v1, no canary, traffic 100/0": the release as a line for the summary. */
export function describeRelease(values: ReleaseValues): string {
  const canary = values.canaryEnabled ? `canary ${values.canaryTag}` : 'no canary';
  return `stable ${values.stableTag}, ${canary}, traffic ${values.stableWeight}/${values.canaryWeight}`;
}

export function formatTimeline(outcome: AutoOutcome): string {
  const lines = outcome.timeline.map(
    ({ atMs, event, detail }) =>
      `+${String(Math.round(atMs / 1000)).padStart(5)}s  ${event.padEnd(8)}  ${detail}`,
  );
  const state = outcome.final ? [`release: ${describeRelease(outcome.final)}`] : [];
  return [...lines, ...state, `result: ${outcome.result}`].join('\n');
}
