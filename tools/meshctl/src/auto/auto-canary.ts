import type { AnalysisRecord } from '../cluster/cluster.port.js';
import type { ReleaseOps } from '../release/release-ops.js';
import type { AnalysisResult } from '../analysis/analyze.js';
import type { Clock } from './clock.js';

export interface AutoPlan {
  canaryTag: string;
  /** Rising canary weights; after the last one passes the canary is promoted. */
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

export interface AutoOutcome {
  result: 'promoted' | 'rolled-back';
  timeline: TimelineEvent[];
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

  const first = plan.steps[0] ?? 100;
  // Refuses (changing nothing) or starts the canary; a start that fails removes it itself.
  await ops.startCanary(plan.canaryTag, first);
  note('start', `canary ${plan.canaryTag} at ${first}%`);
  let why: string;
  try {
    const failed = await runSteps(plan, deps, note);
    if (failed === undefined) {
      const tag = await ops.promote(plan.canaryTag);
      note('promote', `${tag} is now stable`);
      return { result: 'promoted', timeline };
    }
    why = failed;
  } catch (error) {
    // Whatever broke (an upgrade, Prometheus, recording the verdict), no canary is left with traffic.
    why = `error: ${error instanceof Error ? error.message : String(error)}`;
  }
  note('rollback', why);
  await ops.rollback();
  return { result: 'rolled-back', timeline };
}

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

export function formatTimeline(outcome: AutoOutcome): string {
  const lines = outcome.timeline.map(
    ({ atMs, event, detail }) =>
      `+${String(Math.round(atMs / 1000)).padStart(5)}s  ${event.padEnd(8)}  ${detail}`,
  );
  return [...lines, `result: ${outcome.result}`].join('\n');
}
