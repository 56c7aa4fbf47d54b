import { readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { readRepoFile, repoPath } from './repo.js';

export interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
}

type RuleFile = { groups?: { rules: PrometheusRule[] }[] } | null;
const readRuleFile = (path: string) => parse(readRepoFile(path)) as RuleFile;

/**
 * The project's rule files: those of istio/prometheus with a top-level `groups:`, as
 * monitoring-setup.sh picks them; the promtool tests beside them (tests/) are not.
 */
export function ruleFiles(): string[] {
  return readdirSync(repoPath('istio/prometheus'))
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => `istio/prometheus/${file}`)
    .filter((path) => Array.isArray(readRuleFile(path)?.groups));
}

/** Every recording and alerting rule of the project's rule files. */
export const readRules = (): PrometheusRule[] =>
  ruleFiles().flatMap((path) => (readRuleFile(path)?.groups ?? []).flatMap((group) => group.rules));
