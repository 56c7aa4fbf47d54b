// Every option a command's --help names, the command takes: each command runs with all of them, under
// --dry-run with --namespace and --kube-context, against helm and kubectl stand-ins (real processes,
// the real chart rendered), and none is refused; and no dry run changes anything.
import { runMeshctl } from '../src/cli/run.js';
import { FakeCluster } from './fake-cluster.js';

const service = 'device-registry';
const cluster = new FakeCluster();
const noData = () =>
  Promise.resolve(Response.json({ status: 'success', data: { resultType: 'vector', result: [] } }));

async function meshctl(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: cluster.env };
  const code = await runMeshctl(argv, { ...io, fetch: noData });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const analysis = [
  ...['--prometheus', 'http://prometheus.test:9090', '--metrics', 'app', '--window', '5m'],
  ...['--min-success-rate', '95', '--max-p99-ms', '800', '--min-requests', '10', '--max-degradation', '2'],
];

/** Each command's runs, which together pass every option it names; exit 0 unless said. */
const RUNS: Record<string, { flags: string[]; code?: number }[]> = {
  deploy: [{ flags: ['--tag', 'v3', '--environment', 'eks'] }],
  'canary start': [{ flags: ['--canary-tag', 'v3', '--weight', '20', '--replace'] }],
  'canary weight': [{ flags: ['--stable', '90', '--canary', '10'] }],
  'canary promote': [{ flags: ['--canary-tag', 'v3'] }],
  'canary rollback': [{ flags: ['--canary-tag', 'v3'] }],
  // No data from the Prometheus stand-in: exit 3, a verdict and not a refusal.
  'canary analyze': [{ flags: ['--canary-tag', 'v3', ...analysis], code: 3 }],
  'canary auto': [
    {
      flags: ['--canary-tag', 'v3', '--steps', '20,50', '--interval', '2m', '--failure-threshold', '3'],
    },
    { flags: ['--canary-tag', 'v3', '--deadline', '10m', ...analysis] },
  ],
  'release rollback': [{ flags: ['--revision', '1'] }, { flags: ['--to-tag', 'v1'] }],
  'release check': [
    { flags: ['--tag', 'v3', '--environment', 'eks', '--canary-tag', 'v4', '--weight', '20'] },
    { flags: ['--tag', 'v3', '--environment', 'eks', '--analysis', '--prometheus', 'http://p.test:9090'] },
  ],
  status: [{ flags: [] }],
};
const COMMON = ['--namespace', service, '--kube-context', 'prod', '--dry-run'];
/** The flags of helm that help texts name, which meshctl passes on and does not take itself. */
const HELM_FLAGS = ['--install', '--reset-then-reuse-values', '--values', '--wait'];

/** "canary start" and every other command the tool's help lists, but loadgen, which has a CLI of its own. */
async function commands(): Promise<string[]> {
  const main = (await meshctl(['--help'])).out;
  const section = main.slice(
    main.indexOf('\nCommands\n'),
    main.indexOf('\n\n', main.indexOf('\nCommands\n') + 1),
  );
  return [...section.matchAll(/^ {2}((?:canary |release )?[a-z]+)/gm)]
    .map(([, name = '']) => name)
    .filter((name) => name !== 'loadgen');
}

beforeAll(async () => {
  // Revisions 1 (stable v1) and 2 (stable v2), with the Secret the eks values name.
  cluster.addSecret(service, 'device-registry-env');
  for (const tag of ['v1', 'v2'])
    expect((await meshctl(['deploy', service, '--tag', tag, '--environment', 'eks'])).code).toBe(0);
});
afterAll(() => cluster.cleanup());

describe('meshctl commands take every option their help names', () => {
  it('has runs for exactly the commands the tool lists', async () => {
    expect((await commands()).sort()).toEqual(Object.keys(RUNS).sort());
  });

  it.each(Object.keys(RUNS))('%s', async (command) => {
    const help = await meshctl([...command.split(' '), '--help']);
    expect(help.code).toBe(0);
    const named = new Set([...help.out.matchAll(/--[a-z][\w-]*/g)].map(([flag]) => flag));
    const passed = new Set<string>(['--help']);
    const calls = cluster.calls().length;
    for (const { flags, code = 0 } of RUNS[command] ?? []) {
      const argv = [...command.split(' '), service, ...flags, ...COMMON];
      for (const word of argv) if (word.startsWith('--')) passed.add(word);
      const run = await meshctl(argv);
      expect([argv.join(' '), run.code, run.err]).toEqual([argv.join(' '), code, expect.anything()]);
      // The context reaches every line that talks to the cluster.
      const clusterLines = run.out
        .split('\n')
        .filter((line) => /^\$ (helm|kubectl) /.test(line) && !/^\$ helm (dependency|template) /.test(line));
      for (const line of clusterLines) expect(line).toMatch(/ --(kube-)?context prod( |$)/);
      const json = await meshctl([...argv, '--json']);
      expect(json.code).toBe(code);
      expect(() => JSON.parse(json.out) as unknown).not.toThrow();
      passed.add('--json');
    }
    expect([...named].filter((flag) => !passed.has(flag) && !HELM_FLAGS.includes(flag))).toEqual([]);
    // A dry run changes nothing: no upgrade, rollback or apply reached the cluster.
    const changes = cluster
      .calls()
      .slice(calls)
      .filter((call) => /^(helm upgrade|helm rollback|kubectl apply)/.test(call));
    expect(changes).toEqual([]);
  });

  it('status without a service shows the one --namespace names', async () => {
    const run = await meshctl(['status', '--namespace', service, '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as { service: string }[]).map((row) => row.service)).toEqual([service]);
  });
});
