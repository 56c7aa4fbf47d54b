import type { AnalysisResult } from './analyze.js';
import type { TrackMetrics } from './verdict.js';

const cell = (value: number | undefined, format: (n: number) => string) =>
  value === undefined ? '-' : format(value);

const row = (name: string, m: TrackMetrics) =>
  [
    name.padEnd(8),
    cell(m.successRate, (n) => `${(n * 100).toFixed(2)}%`).padStart(9),
    cell(m.p99Ms, (n) => `${n.toFixed(1)} ms`).padStart(11),
    cell(m.requests, (n) => String(Math.round(n))).padStart(9),
  ].join('  ');

export function formatAnalysis(result: AnalysisResult): string {
  return [
    `${result.service}: canary analysis over ${result.window} (${result.source} metrics)`,
    ['TRACK   ', '  SUCCESS', '        P99', ' REQUESTS'].join('  '),
    row('canary', result.canary),
    row('stable', result.stable),
    `verdict: ${result.verdict.toUpperCase()}`,
    ...result.reasons.map((reason) => `  - ${reason}`),
  ].join('\n');
}
