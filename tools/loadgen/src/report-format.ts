import type { ErrorTally } from './recorder.js';
import type { LoadReport } from './report.js';
import { readable } from './report-warnings.js';

/** At least one decimal (30.0), and as many as a small rate needs (0.001, not 0.0). */
const rate = (n: number) => (Number.isInteger(n * 10) ? n.toFixed(1) : readable(n));
const ms = (n: number) => n.toFixed(3);

function tally(entries: [string, string][]): string[] {
  if (entries.length === 0) return ['  none'];
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
}

const byCode = (tallies: Record<string, ErrorTally>) =>
  Object.entries(tallies)
    .sort(([, a], [, b]) => b.calls - a.calls)
    .map(([code, e]): [string, string] => [code, `${e.calls} calls, ${e.readings} readings  (${e.example})`]);

/** The report for a terminal or a Jenkins console: one fact per line, stable order. */
export function formatReport(report: LoadReport): string {
  const lat = report.latencyMs;
  const rejections = Object.entries(report.rejectionsByReason)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]): [string, string] => [reason, String(count)]);
  const lines = [
    `loadgen run ${report.runId}: ${report.protocol} to ${report.target}, ${report.devices} devices, ${report.batchSize} readings per call`,
    `duration          ${report.durationSeconds.toFixed(2)} s sending, ${report.elapsedSeconds.toFixed(2)} s with the last answers`,
    `readings/s        target ${rate(report.targetReadingsPerSecond)}  offered ${rate(report.offeredReadingsPerSecond)}  achieved ${rate(report.achievedReadingsPerSecond)}`,
    `readings          offered ${report.offeredReadings}  sent ${report.sentReadings}  shed ${report.shedReadings}  (${report.outOfRangeSent} beyond normal)`,
    `outcome           accepted ${report.accepted}  duplicate ${report.duplicates}  rejected ${report.rejected}  failed ${report.failedReadings}  unknown ${report.unknownReadings}`,
    `calls             sent ${report.sentCalls}  answered ${lat.calls}  failed ${report.failedCalls}  unknown ${report.unknownCalls}`,
    `latency ms        p50 ${ms(lat.p50)}  p90 ${ms(lat.p90)}  p95 ${ms(lat.p95)}  p99 ${ms(lat.p99)}  max ${ms(lat.max)}  (per answered call, from its scheduled send)`,
    'errors by code',
    ...tally(byCode(report.errorsByCode)),
    'unknown outcome by code (no answer in time: may have been stored)',
    ...tally(byCode(report.unknownByCode)),
    'rejections by reason',
    ...tally(rejections),
    ...(report.warnings.length > 0 ? ['warnings', ...report.warnings.map((w) => `  ${w}`)] : []),
  ];
  return lines.join('\n');
}

/** The whole report as JSON (stable key order, as built). */
export function formatReportJson(report: LoadReport): string {
  return JSON.stringify(report, null, 2);
}
