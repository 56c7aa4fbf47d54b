// A helm and kubectl stand-in for tests: keeps releases in <dir>/state.json, follows Helm 4's rules for
// values (an upgrade starts from the last *deployed* revision, skipping failed ones; `get values` shows the
// latest), and renders every upgrade with the real helm, so what the chart refuses fails here too.
// Run as: node fake-helm.ts <dir> <real helm> helm|kubectl <args...>   (Node strips the types.)
// <dir>/fail holds a regex: an upgrade whose command line matches applies, then fails as a timed-out --wait.
// <dir>/pods.json holds { track: [ready, desired] } for a track whose pods are not one ready of one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Values = Record<string, unknown>;
interface Revision {
  values: Values;
  status: 'deployed' | 'superseded' | 'failed';
}

const [dir = '', realHelm = '', program = '', ...args] = process.argv.slice(2);
const statePath = join(dir, 'state.json');
const state: Record<string, Revision[]> = existsSync(statePath)
  ? (JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, Revision[]>)
  : {};
writeFileSync(join(dir, 'calls.log'), `${program} ${args.join(' ')}\n`, { flag: 'a' });

const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const isObject = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? merge(current, value) : value;
  }
  return out;
}
function setPath(values: Values, key: string, value: unknown): void {
  const path = key.split('.');
  let node = values;
  for (const part of path.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Values;
  }
  node[path.at(-1) ?? key] = value;
}
const typed = (text: string): unknown =>
  text === 'true' ? true : text === 'false' ? false : /^-?\d+$/.test(text) ? Number(text) : text;
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 1));
/** The real helm, with stdin passed through; its exit code becomes ours. */
function realHelmRun(helmArgs: string[], input?: string): never {
  const run = spawnSync(realHelm, helmArgs, {
    input,
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
  });
  process.exit(run.status ?? 1);
}
const chartDefaults = (service: string) =>
  parse(readFileSync(`helm/${service}/values.yaml`, 'utf8')) as Values;

/** `helm dependency build` once per cluster: the charts do not change during a test run. */
function dependencyBuild(chart: string): never {
  const built = join(dir, `built-${chart.replaceAll('/', '_')}`);
  if (existsSync(built)) process.exit(0);
  writeFileSync(built, '');
  return realHelmRun(args);
}

function helm(): void {
  const [command = '', ...rest] = args;
  if (command === 'dependency') dependencyBuild(rest[1] ?? '');
  if (command === 'template') realHelmRun(args, readFileSync(0, 'utf8'));
  if (command === 'upgrade') return upgrade(rest[1] ?? '', rest[2] ?? '');
  const service = (command === 'get' ? rest[1] : rest[0]) ?? '';
  const revisions = state[service] ?? [];
  if (revisions.length === 0) fail('Error: release: not found');
  const print = (value: unknown) => console.log(JSON.stringify(value));
  switch (command) {
    case 'status':
      return print({ name: service, version: revisions.length, info: { status: revisions.at(-1)?.status } });
    case 'history':
      return print(revisions.map(({ status }, i) => ({ revision: i + 1, status })));
    case 'get': {
      const values = revisions[Number(option('--revision') ?? revisions.length) - 1]?.values ?? {};
      return print(args.includes('--all') ? merge(chartDefaults(service), values) : values);
    }
    case 'rollback':
      return record(service, revisions[Number(rest[1]) - 1]?.values ?? {}, 'deployed');
    default:
      fail(`fake helm: ${command} is not faked`);
  }
}

function record(service: string, values: Values, status: Revision['status']): void {
  const revisions = (state[service] ??= []);
  if (status === 'deployed')
    for (const revision of revisions) if (revision.status === 'deployed') revision.status = 'superseded';
  revisions.push({ values, status });
  save();
}

function upgrade(service: string, chart: string): void {
  // --reset-then-reuse-values: the last deployed revision's own values, then --values files, then --set.
  const deployed = (state[service] ?? []).findLast(({ status }) => status !== 'failed');
  let values: Values = structuredClone(deployed?.values ?? {});
  args.forEach((arg, i) => {
    const next = args[i + 1] ?? '';
    if (arg === '--values')
      values = merge(values, (parse(readFileSync(next, 'utf8')) as Values | null) ?? {});
    if (arg === '--set' || arg === '--set-string') {
      const [key = '', ...text] = next.split('=');
      setPath(values, key, arg === '--set' ? typed(text.join('=')) : text.join('='));
    }
  });
  const valuesFile = join(dir, `${service}-values.json`);
  writeFileSync(valuesFile, JSON.stringify(values));
  const render = spawnSync(
    realHelm,
    ['template', service, chart, '--namespace', service, '--values', valuesFile],
    { encoding: 'utf8' },
  );
  if (render.status !== 0) fail(`Error: UPGRADE FAILED: ${render.stderr.trim()}`);
  const failOn = existsSync(join(dir, 'fail')) ? readFileSync(join(dir, 'fail'), 'utf8').trim() : '';
  if (failOn && new RegExp(failOn).test(args.join(' '))) {
    record(service, values, 'failed');
    fail('Error: UPGRADE FAILED: context deadline exceeded (resources applied, --wait timed out)');
  }
  record(service, values, 'deployed');
  console.log(`Release "${service}" has been upgraded.`);
}

/** As kubectl get secret NAME -o name: the Secrets a test created (<dir>/secrets.json, "namespace/name"). */
function secret(namespace: string, name: string): void {
  const path = join(dir, 'secrets.json');
  const secrets = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as string[]) : [];
  if (!secrets.includes(`${namespace}/${name}`))
    fail(`Error from server (NotFound): secrets "${name}" not found`);
  console.log(`secret/${name}`);
}

function kubectl(): void {
  const namespace = option('--namespace') ?? '';
  if (args[0] === 'apply') readFileSync(0, 'utf8');
  if (args[0] === 'get' && args[1] === 'secret') return secret(namespace, args[2] ?? '');
  if (args[0] !== 'get' || args[1] !== 'deployments') return;
  const latest = state[namespace]?.at(-1);
  const canary = latest ? merge(chartDefaults(namespace), latest.values)['canary'] : undefined;
  const podsPath = join(dir, 'pods.json');
  const pods = existsSync(podsPath)
    ? (JSON.parse(readFileSync(podsPath, 'utf8')) as Record<string, [number, number]>)
    : {};
  const deployment = (track: string) => {
    const [ready, desired] = pods[track] ?? [1, 1];
    // As Kubernetes reports it: no readyReplicas while no pod is ready.
    const status = ready === 0 ? { replicas: desired } : { readyReplicas: ready, replicas: desired };
    return { metadata: { name: `${namespace}-${track}` }, status };
  };
  const items = latest
    ? [
        deployment('stable'),
        ...(isObject(canary) && canary['enabled'] === true ? [deployment('canary')] : []),
      ]
    : [];
  console.log(JSON.stringify({ items }));
}

if (program === 'helm') helm();
else kubectl();
