import type { Protocol } from './load-options.js';
import type { ErrorTally, LoadRecorder } from './recorder.js';
import { warningsFor, type StopPhase, type WarningContext } from './report-warnings.js';

/** Latency of answered calls in milliseconds (recorded in microseconds). */
export interface LatencySummary {
  calls: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadReport {
  runId: string;
  protocol: Protocol;
  /** Where readings went: the gRPC address or the REST endpoint. */
  target: string;
  devices: number;
  batchSize: number;
  /** The sending window: as asked, or shorter when stopped early. */
  durationSeconds: number;
  /** The window plus waiting for the last answers. */
  elapsedSeconds: number;
  targetReadingsPerSecond: number;
  offeredReadings: number;
  offeredReadingsPerSecond: number;
  sentReadings: number;
  sentCalls: number;
  /** Offered but not sent because a device had too many calls open: the server fell behind. */
  shedReadings: number;
  /** Accepted readings per elapsed second. */
  achievedReadingsPerSecond: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectionsByReason: Record<string, number>;
  outOfRangeSent: number;
  failedCalls: number;
  failedReadings: number;
  errorsByCode: Record<string, ErrorTally>;
  /** Calls with no answer in time (timeouts): not failed, as the gateway may have stored their readings. */
  unknownCalls: number;
  unknownReadings: number;
  unknownByCode: Record<string, ErrorTally>;
  latencyMs: LatencySummary;
  /** How late the schedule itself fired at worst (the generator, not the server). */
  schedulerMaxLagMs: number;
  /**
   * Only when Ctrl+C (SIGINT, SIGTERM) stopped the run early: during registration (nothing was sent),
   * the warm-up (the measurement never started, so the figures are the warm-up's) or the measurement.
   */
  stoppedDuring?: StopPhase;
  warnings: string[];
}

export interface ReportContext extends WarningContext {
  runId: string;
  protocol: Protocol;
  target: string;
  devices: number;
  elapsedMs: number;
}

const micro = (ms: number) => Math.round(ms * 1000) / 1000;
/** Readings per second to the thousandth; a rate below one keeps three significant digits instead. */
const perSecond = (count: number, ms: number) => {
  if (ms <= 0) return 0;
  const rate = (count * 1000) / ms;
  return rate < 1 ? Number(rate.toPrecision(3)) : Math.round(rate * 1000) / 1000;
};
const tallies = (byCode: ReadonlyMap<string, ErrorTally>) =>
  Object.fromEntries([...byCode].map(([code, tally]) => [code, { ...tally }]));

/** The percentiles of a recorder's latencies, in milliseconds, as a report gives them. */
export function latencySummary(recorder: LoadRecorder): LatencySummary {
  const h = recorder.latency;
  // A percentile is reported as the top of its bucket, which can exceed the exact maximum.
  const at = (p: number) =>
    h.totalCount > 0 ? micro(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000) : 0;
  return {
    calls: h.totalCount,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    max: h.totalCount > 0 ? micro(h.maxValue / 1000) : 0,
    mean: h.totalCount > 0 ? micro(h.mean / 1000) : 0,
  };
}

/** The numbers of one run, as printed (text or JSON) and as returned to benchmarks and tests. */
export function buildReport(recorder: LoadRecorder, context: ReportContext): LoadReport {
  const windowMs = context.pacing.windowMs;
  const offeredPerSecond = perSecond(recorder.offeredReadings, windowMs);
  const achievedPerSecond = perSecond(recorder.accepted, context.elapsedMs);
  return {
    runId: context.runId,
    protocol: context.protocol,
    target: context.target,
    devices: context.devices,
    batchSize: context.batchSize,
    durationSeconds: micro(windowMs / 1000),
    elapsedSeconds: micro(context.elapsedMs / 1000),
    targetReadingsPerSecond: context.targetReadingsPerSecond,
    offeredReadings: recorder.offeredReadings,
    offeredReadingsPerSecond: offeredPerSecond,
    sentReadings: recorder.sentReadings,
    sentCalls: recorder.sentCalls,
    shedReadings: recorder.shedReadings,
    achievedReadingsPerSecond: achievedPerSecond,
    accepted: recorder.accepted,
    duplicates: recorder.duplicates,
    rejected: recorder.rejected,
    rejectionsByReason: Object.fromEntries(recorder.rejectionsByReason),
    outOfRangeSent: recorder.outOfRangeSent,
    failedCalls: recorder.failedCalls,
    failedReadings: recorder.failedReadings,
    errorsByCode: tallies(recorder.errorsByCode),
    unknownCalls: recorder.unknownCalls,
    unknownReadings: recorder.unknownReadings,
    unknownByCode: tallies(recorder.unknownByCode),
    latencyMs: latencySummary(recorder),
    schedulerMaxLagMs: micro(context.pacing.maxLagMs),
    ...(context.stoppedDuring ? { stoppedDuring: context.stoppedDuring } : {}),
    warnings: warningsFor(recorder, context),
  };
}

/**
 * What a run showed, for the exit code: readings were accepted; none was, but some calls got no
 * answer in time, so readings may have been stored; or nothing got through.
 */
export type RunVerdict = 'accepted' | 'unknown' | 'nothing-through';

export function runVerdict(report: Pick<LoadReport, 'accepted' | 'unknownReadings'>): RunVerdict {
  if (report.accepted > 0) return 'accepted';
  return report.unknownReadings > 0 ? 'unknown' : 'nothing-through';
}
