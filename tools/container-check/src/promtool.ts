import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoPath } from './repo.js';

export interface PromqlCase {
  /** Series in promtool's notation: `{ series: 'metric{label="v"}', values: '0+60x10' }`, one sample a minute. */
  input: { series: string; values: string }[];
  expr: string;
  /** When to evaluate, as promtool writes durations (`10m`). */
  at: string;
  /** Every sample the expression must give, and no other. */
  expected: { labels: string; value: number }[];
}

/**
 * Evaluates a PromQL expression over made-up series with promtool's rule unit tests, the project's
 * rules (istio/prometheus/rules.yaml) loaded so that recorded series exist: a real Prometheus
 * evaluation, without a server. Returns promtool's complaint, or "" when the result was `expected`.
 */
export function promqlMismatch({ input, expr, at, expected }: PromqlCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'promql-'));
  try {
    const file = join(dir, 'case.test.yaml');
    writeFileSync(
      file,
      stringify({
        rule_files: [repoPath('istio/prometheus/rules.yaml')],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: input,
            promql_expr_test: [{ expr, eval_time: at, exp_samples: expected }],
          },
        ],
      }),
    );
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    if (run.error) throw run.error;
    return run.status === 0 ? '' : `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
