import { analyzeCanary, type AnalysisRequest, type AnalysisResult } from '../analysis/analyze.js';
import { formatAnalysis } from '../analysis/analysis-format.js';
import { FIGURE_ORIGINS } from '../analysis/promql-templates.js';
import { PrometheusClient } from '../analysis/prometheus-client.js';
import { autoCanary, formatTimeline } from '../auto/auto-canary.js';
import { FakeClock, systemClock } from '../auto/clock.js';
import type { Cluster, ReleaseState, ReleaseTarget } from '../cluster/cluster.port.js';
import { ReleaseStateError, type ReleaseOps } from '../release/release-ops.js';
import {
  checkDuration,
  checkInteger,
  checkNumber,
  checkSteps,
  checkTag,
  UsageError,
} from '../release/validation.js';
import { EXIT, type MeshctlIo } from './io.js';
import { str, type ParsedCommand } from './parse.js';

// `canary analyze` and `canary auto`: the commands that read Prometheus.

/** What the flags ask; the versions come from the release (or --canary-tag), read after the flags pass. */
export function analysisRequest(
  target: ReleaseTarget,
  values: ParsedCommand['values'],
): Omit<AnalysisRequest, 'versions'> {
  const source = str(values, 'metrics');
  if (source !== 'istio' && source !== 'app')
    throw new UsageError(`--metrics must be istio or app, not "${source}"`);
  const window = str(values, 'window') ?? '1m';
  checkDuration('--window', window);
  return {
    service: target.service,
    namespace: target.namespace,
    source,
    window,
    thresholds: {
      minSuccessRate: checkNumber('--min-success-rate', str(values, 'min-success-rate') ?? '', 0, 100) / 100,
      maxP99Ms: checkNumber('--max-p99-ms', str(values, 'max-p99-ms') ?? ''),
      minRequests: checkNumber('--min-requests', str(values, 'min-requests') ?? ''),
      maxDegradation: checkNumber('--max-degradation', str(values, 'max-degradation') ?? '', 0, 100) / 100,
    },
  };
}

export function prometheusFor(values: ParsedCommand['values'], io: MeshctlIo): PrometheusClient {
  const url = str(values, 'prometheus') ?? io.env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw new UsageError(`--prometheus must be an http(s) URL, not "${url}"`);
  return new PrometheusClient(url, io.fetch);
}

/**
 * The tags `canary analyze` judges: the running canary's (or --canary-tag's, which must be it while a
 * canary runs, and names a removed one's otherwise) against stable's.
 */
function analysedVersions(
  target: ReleaseTarget,
  cluster: Cluster,
  state: ReleaseState | undefined,
  expected: string | undefined,
): AnalysisRequest['versions'] {
  const running = state?.values.canaryEnabled ? state.values.canaryTag : undefined;
  if (running && expected && running !== expected) {
    throw new ReleaseStateError(`the running canary is ${running}, not ${expected}: not analysing`);
  }
  const canary = expected ?? running;
  if (!canary && !cluster.knowsState) {
    throw new UsageError('a dry run does not read the cluster: pass --canary-tag to analyse');
  }
  if (!canary) {
    throw new ReleaseStateError(
      `${target.service} has no canary running: pass --canary-tag to analyse the calls of one removed`,
    );
  }
  return { canary, ...(state ? { stable: state.values.stableTag } : {}) };
}

export async function analyze(
  target: ReleaseTarget,
  parsed: ParsedCommand,
  io: MeshctlIo,
  cluster: Cluster,
): Promise<number> {
  const request = analysisRequest(target, parsed.values);
  const prometheus = prometheusFor(parsed.values, io);
  const expected = str(parsed.values, 'canary-tag');
  const expectedTag = expected === undefined ? undefined : checkTag('--canary-tag', expected);
  const versions = analysedVersions(target, cluster, await cluster.readRelease(target), expectedTag);
  const result = await analyzeCanary(prometheus, { ...request, versions });
  await cluster.recordAnalysis(target, {
    at: new Date((io.clock ?? systemClock).now()).toISOString(),
    verdict: result.verdict,
    reasons: result.reasons,
    canaryTag: versions.canary,
  });
  io.out(parsed.values['json'] ? JSON.stringify(result, null, 2) : formatAnalysis(result));
  return result.verdict === 'pass' ? EXIT.ok : result.verdict === 'fail' ? EXIT.failed : EXIT.noData;
}

/** What a dry run of canary auto takes each analysis to be: it asks Prometheus nothing. */
function assumedPass(request: Omit<AnalysisRequest, 'versions'>): AnalysisResult {
  const { service, source, window } = request;
  const reasons = ['dry run: not analysed, taken as a pass'];
  return {
    service,
    source,
    window,
    origins: FIGURE_ORIGINS[source],
    canary: {},
    stable: {},
    verdict: 'pass',
    reasons,
  };
}

export async function auto(
  target: ReleaseTarget,
  parsed: ParsedCommand,
  io: MeshctlIo,
  cluster: Cluster,
  ops: ReleaseOps,
): Promise<number> {
  const { values } = parsed;
  const dryRun = values['dry-run'] === true;
  const request = analysisRequest(target, values);
  const prometheus = prometheusFor(values, io);
  const plan = {
    canaryTag: checkTag('--canary-tag', str(values, 'canary-tag')),
    steps: checkSteps(str(values, 'steps') ?? ''),
    intervalMs: checkDuration('--interval', str(values, 'interval') ?? ''),
    // 1 rolls back on the first failed analysis; beyond 10 a bad canary keeps its traffic too long.
    failureThreshold: checkInteger('--failure-threshold', str(values, 'failure-threshold'), 1, 10),
    deadlineMs: checkDuration('--deadline', str(values, 'deadline') ?? ''),
  };
  // Stable's tag as the run finds it: it changes only with the promotion, after the last analysis.
  const stableTag = (await ops.state())?.values.stableTag;
  const versions = { canary: plan.canaryTag, ...(stableTag === undefined ? {} : { stable: stableTag }) };
  // Without Prometheus every analysis is no-data and the canary would be rolled back at the deadline,
  // looking like a canary that got no traffic: refuse before it starts. A dry run asks it nothing.
  if (!dryRun) {
    await prometheus.ping().catch((error: Error) => {
      throw new ReleaseStateError(`${error.message}: no canary started (set PROMETHEUS_URL or --prometheus)`);
    });
  }
  const clock = io.clock ?? systemClock;
  const outcome = await autoCanary(plan, {
    ops,
    // A dry run prints the lines of a run whose every analysis passes, at once: no waiting either.
    analyze: dryRun
      ? () => Promise.resolve(assumedPass(request))
      : () => analyzeCanary(prometheus, { ...request, versions }),
    record: (record) => cluster.recordAnalysis(target, record),
    clock: dryRun ? new FakeClock(clock.now()) : clock,
    onEvent: values['json'] ? undefined : (e) => io.err(`meshctl: ${e.event}: ${e.detail}`),
  });
  io.out(values['json'] ? JSON.stringify(outcome, null, 2) : formatTimeline(outcome));
  if (dryRun && !values['json']) io.err('meshctl: dry run: every analysis taken as a pass; nothing changed');
  return { promoted: EXIT.ok, 'rolled-back': EXIT.failed, 'rollback-failed': EXIT.partWay }[outcome.result];
}
