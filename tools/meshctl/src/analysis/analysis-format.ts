import type { AnalysisResult } from './analyze.js';
import type { TrackMetrics } from './verdict.js';

const cell = (value: number | undefined, format: (n: number) => string) =>
  value === undefined ? '-' : format(value);

const count = (n: number) => String(Math.round(n));
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'off scale');

const row = (name: string, m: TrackMetrics) =>
  [
    name.padEnd(8),
    cell(m.successRate, (n) => `${(n * 100).toFixed(2)}%`).padStart(9),
    cell(m.requests, count).padStart(9),
    cell(m.p99Ms, ms).padStart(11),
    cell(m.timedCalls, count).padStart(9),
  ].join('  ');

export function formatAnalysis(result: AnalysisResult): string {
  return [
    `${result.service}: canary analysis over ${result.window} (${result.source} metrics)`,
    ['TRACK   ', '  SUCCESS', ' REQUESTS', '        P99', '    TIMED'].join('  '),
    row('canary', result.canary),
    row('stable', result.stable),
    `success, requests: ${result.origins.successRate}`,
    `p99, timed: ${result.origins.p99Ms}`,
    `verdict: ${result.verdict.toUpperCase()}`,
    ...result.reasons.map((reason) => `  - ${reason}`),
  ].join('\n');
}
