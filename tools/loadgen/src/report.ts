import type { Protocol } from './load-options.js';
import type { PacerStats } from './pacer.js';
import type { ErrorTally, LoadRecorder } from './recorder.js';

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
  latencyMs: LatencySummary;
  /** How late the schedule itself fired at worst (the generator, not the server). */
  schedulerMaxLagMs: number;
  warnings: string[];
}

export interface ReportContext {
  runId: string;
  protocol: Protocol;
  target: string;
  devices: number;
  batchSize: number;
  targetReadingsPerSecond: number;
  maxInFlightPerDevice: number;
  pacing: PacerStats;
  elapsedMs: number;
  /** Problems outside the measurement (e.g. keys that could not be revoked afterwards). */
  notes?: readonly string[];
}

// A generator that falls this far behind its own schedule is measuring itself, not the server.
const LAG_WARNING_MS = 100;
const ACCEPTED_WARNING_SHARE = 0.95;

const micro = (ms: number) => Math.round(ms * 1000) / 1000;
const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1e6) / 1000 : 0);
const percent = (part: number, whole: number) => (whole > 0 ? ((100 * part) / whole).toFixed(1) : '0');

function latencySummary(recorder: LoadRecorder): LatencySummary {
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

function warningsFor(recorder: LoadRecorder, context: ReportContext): string[] {
  const warnings: string[] = [];
  if (recorder.shedReadings > 0) {
    warnings.push(
      `offered load was not sustained: ${recorder.shedReadings} readings (${percent(recorder.shedReadings, recorder.offeredReadings)}%) were not sent because devices already had ${context.maxInFlightPerDevice} calls open; the gateway is slower than the target rate`,
    );
  }
  if (context.pacing.maxLagMs > LAG_WARNING_MS) {
    warnings.push(
      `the load generator fell up to ${Math.round(context.pacing.maxLagMs)} ms behind its own schedule (client CPU or event loop saturated); latencies include that wait`,
    );
  }
  // Judged by counts, not rates: the last answers arriving after the window are latency, not loss.
  const { accepted, offeredReadings } = recorder;
  if (accepted > 0 && accepted < offeredReadings * ACCEPTED_WARNING_SHARE) {
    warnings.push(
      `only ${accepted} of ${offeredReadings} offered readings (${percent(accepted, offeredReadings)}%) were accepted`,
    );
  }
  if (context.pacing.aborted) warnings.push('stopped early; rates are over the time actually run');
  if (recorder.accepted === 0) warnings.push('nothing got through: no reading was accepted');
  return [...warnings, ...(context.notes ?? [])];
}

/** The numbers of one run, as printed and as returned to benchmarks, tests and Jenkins. */
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
    errorsByCode: Object.fromEntries([...recorder.errorsByCode].map(([code, tally]) => [code, { ...tally }])),
    latencyMs: latencySummary(recorder),
    schedulerMaxLagMs: micro(context.pacing.maxLagMs),
    warnings: warningsFor(recorder, context),
  };
}

/** A run succeeded when at least one reading was accepted. */
export const somethingGotThrough = (report: LoadReport) => report.accepted > 0;
