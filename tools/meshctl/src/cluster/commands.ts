import type { ValueChange } from '../release/release-values.js';
import type { AnalysisRecord, ReleaseTarget, RenderOptions, UpgradeOptions } from './cluster.port.js';

/** One helm or kubectl invocation; both adapters build them here so a dry run prints what would run. */
export interface Command {
  program: 'helm' | 'kubectl';
  args: string[];
  /** Written to the process's stdin (kubectl apply -f -). */
  stdin?: string;
}

export const ANALYSIS_CONFIGMAP = 'meshctl-last-analysis';
export const ROLLOUT_TIMEOUT = '10m';

const helmScope = (t: ReleaseTarget) => [
  '--namespace',
  t.namespace,
  ...(t.kubeContext ? ['--kube-context', t.kubeContext] : []),
];
const kubectlScope = (t: ReleaseTarget) => [
  '--namespace',
  t.namespace,
  ...(t.kubeContext ? ['--context', t.kubeContext] : []),
];

// Tags go through --set-string: "1.10" must stay a string, not become the number 1.1.
const setFlag = ({ key, value }: ValueChange) =>
  typeof value === 'string' ? ['--set-string', `${key}=${value}`] : ['--set', `${key}=${String(value)}`];

/** The values file, then the changes: --set wins over --values, as the changes must. */
const valueArgs = (changes: readonly ValueChange[], options: RenderOptions) => [
  ...(options.valuesFile ? ['--values', options.valuesFile] : []),
  ...changes.flatMap(setFlag),
];

/** The chart's library dependency is not committed (helm/.gitignore): it is built before a run's first render or upgrade. */
export const dependencyBuildCommand = (t: ReleaseTarget): Command => ({
  program: 'helm',
  args: ['dependency', 'build', t.chart],
});

/**
 * --reset-then-reuse-values (Helm >= 3.14): the chart's current defaults, then the release's own values
 * (those of its last deployed revision), then the values file and the changes; --reuse-values would keep
 * the defaults of the chart first installed (helm#9000). Without wait, Helm does not wait for resources:
 * for traffic-only steps that must not hang on a canary that never became ready (--wait waits for every
 * resource of the release, and a wait that times out leaves a failed revision the next upgrade skips).
 */
export function upgradeCommand(
  t: ReleaseTarget,
  changes: readonly ValueChange[],
  options: UpgradeOptions = {},
): Command {
  return {
    program: 'helm',
    args: [
      'upgrade',
      '--install',
      t.service,
      t.chart,
      ...helmScope(t),
      '--reset-then-reuse-values',
      ...valueArgs(changes, options),
      ...((options.wait ?? true) ? ['--wait'] : []),
      '--timeout',
      ROLLOUT_TIMEOUT,
    ],
  };
}

/**
 * What that upgrade would render, changing nothing: the release's values come on stdin (`--values -`,
 * before the file and the changes, as the upgrade merges them). helm template never reads the cluster.
 */
export const templateCommand = (
  t: ReleaseTarget,
  changes: readonly ValueChange[],
  releaseValues: string,
  options: RenderOptions = {},
): Command => ({
  program: 'helm',
  args: [
    'template',
    t.service,
    t.chart,
    '--namespace',
    t.namespace,
    '--values',
    '-',
    ...valueArgs(changes, options),
  ],
  stdin: releaseValues,
});

export const rollbackCommand = (t: ReleaseTarget, revision: number): Command => ({
  program: 'helm',
  args: ['rollback', t.service, String(revision), ...helmScope(t), '--wait', '--timeout', ROLLOUT_TIMEOUT],
});

export const historyCommand = (t: ReleaseTarget): Command => ({
  program: 'helm',
  args: ['history', t.service, ...helmScope(t), '--output', 'json'],
});

export const statusCommand = (t: ReleaseTarget): Command => ({
  program: 'helm',
  args: ['status', t.service, ...helmScope(t), '--output', 'json'],
});

/** The values of the latest revision, or of the given one; all of them, or only those set by hand. */
export const getValuesCommand = (t: ReleaseTarget, revision?: number, all = true): Command => ({
  program: 'helm',
  args: [
    'get',
    'values',
    t.service,
    ...helmScope(t),
    ...(revision === undefined ? [] : ['--revision', String(revision)]),
    ...(all ? ['--all'] : []),
    '--output',
    'json',
  ],
});

export const deploymentsCommand = (t: ReleaseTarget): Command => ({
  program: 'kubectl',
  args: ['get', 'deployments', ...kubectlScope(t), '--selector', `app=${t.service}`, '--output', 'json'],
});

/** Names the Secret when it exists; fails with (NotFound) when it does not. */
export const secretCommand = (t: ReleaseTarget, name: string): Command => ({
  program: 'kubectl',
  args: ['get', 'secret', name, ...kubectlScope(t), '--output', 'name'],
});

export const getAnalysisCommand = (t: ReleaseTarget): Command => ({
  program: 'kubectl',
  args: [
    'get',
    'configmap',
    ANALYSIS_CONFIGMAP,
    ...kubectlScope(t),
    '--ignore-not-found',
    '--output',
    'json',
  ],
});

/** The last analysis lives in a ConfigMap, not in Helm values: recording it must not roll pods. */
export function recordAnalysisCommand(t: ReleaseTarget, record: AnalysisRecord): Command {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ANALYSIS_CONFIGMAP,
      namespace: t.namespace,
      labels: { app: t.service, 'app.kubernetes.io/managed-by': 'meshctl' },
    },
    data: { 'analysis.json': JSON.stringify(record) },
  };
  return {
    program: 'kubectl',
    args: ['apply', ...kubectlScope(t), '--filename', '-'],
    stdin: JSON.stringify(configMap),
  };
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** The command as a shell line someone could paste. */
export function formatCommand(command: Command): string {
  const line = [command.program, ...command.args].map(quote).join(' ');
  return command.stdin === undefined ? line : `${line} <<'EOF'\n${command.stdin}\nEOF`;
}
