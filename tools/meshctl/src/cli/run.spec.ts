import { FakeClock } from '../auto/clock.js';
import { DryRunCluster } from '../cluster/dry-run-cluster.js';
import { runMeshctl, type MeshctlIo } from './run.js';

function io(extra: Partial<MeshctlIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, ...extra },
  };
}

describe('meshctl CLI', () => {
  it('prints help for the tool and for each command', async () => {
    const main = io();
    expect(await runMeshctl(['--help'], main.io)).toBe(0);
    expect(main.out.join()).toMatch(/canary auto <service>/);
    const weight = io();
    expect(await runMeshctl(['canary', 'weight', '--help'], weight.io)).toBe(0);
    expect(weight.out.join()).toMatch(/must sum to 100/);
  });

  it.each([
    [['canary', 'weight', 'device-registry', '--stable', '60', '--canary', '50', '--dry-run'], /sum to 100/],
    [['canary', 'weight', 'device-registry', '--stable', '110', '--canary=-10', '--dry-run'], /0 to 100/],
    [['canary', 'start', 'device-registry', '--dry-run'], /--canary-tag is required/],
    [['canary', 'start', 'device-registry', '--canary-tag', 'v2:bad'], /not a valid image tag/],
    [['deploy', 'payments', '--tag', 'v1'], /unknown service "payments"/],
    [['deploy', 'device-registry', '--tag', 'v1', '--colour', 'red'], /Unknown option '--colour'/],
    [['canary', 'explode', 'device-registry'], /unknown command "canary explode"\nRun "meshctl --help"/],
    [['canary', 'analyze', 'device-registry', '--metrics', 'statsd'], /--metrics must be istio or app/],
  ])('rejects %j with exit 2', async (argv, message) => {
    const run = io();
    expect(await runMeshctl(argv, run.io)).toBe(2);
    expect(run.err.join('\n')).toMatch(message);
  });

  it.each([
    [
      ['canary', 'weight', 'device-registry', '--stable', '0x5a', '--canary', '10'],
      /--stable must be a whole number from 0 to 100, not "0x5a"/,
    ],
    [
      ['canary', 'start', 'device-registry', '--canary-tag', 'v2', '--weight', '1e1'],
      /--weight must be a whole number/,
    ],
    [
      ['canary', 'auto', 'device-registry', '--canary-tag', 'v2', '--failure-threshold', '0'],
      /--failure-threshold must be a whole number from 1 to 10/,
    ],
    [
      ['canary', 'auto', 'device-registry', '--canary-tag', 'v2', '--failure-threshold', '11'],
      /from 1 to 10, not "11"/,
    ],
    [
      ['canary', 'auto', 'device-registry', '--canary-tag', 'v2', '--failure-threshold', '1.5'],
      /from 1 to 10, not "1.5"/,
    ],
    [['canary', 'analyze', 'device-registry', '--window', '0s'], /--window must be a duration above zero/],
    [
      ['deploy', 'device-registry', '--tag', 'a'.repeat(64)],
      /not a valid image tag: it becomes the pods' version label/,
    ],
    [['deploy', 'device-registry', '--tag', 'v1-'], /not a valid image tag/],
    [['release', 'rollback', 'device-registry', '--revision', '2.5'], /--revision must be a whole number/],
    [
      ['release', 'rollback', 'device-registry', '--revision', '2', '--to-tag', 'v1'],
      /needs one of --revision N or --to-tag T/,
    ],
  ])('rejects %j with exit 2 before anything runs', async (argv, message) => {
    const run = io();
    expect(await runMeshctl([...argv, '--dry-run'], run.io)).toBe(2);
    expect(run.err.join('\n')).toMatch(message);
    expect(run.out).toEqual([]);
  });

  it('points a usage error at help that exists', async () => {
    const unknown = io();
    expect(await runMeshctl(['canary', 'shift', 'device-registry'], unknown.io)).toBe(2);
    expect(unknown.err).toEqual(['meshctl: unknown command "canary shift"\nRun "meshctl --help" for usage.']);
    const badService = io();
    expect(await runMeshctl(['deploy', 'payments', '--tag', 'v1'], badService.io)).toBe(2);
    expect(badService.err.join()).toMatch(/Run "meshctl deploy --help" for usage.$/);
  });

  it('gives a value starting with "-" its own check, and still refuses an option as a value', async () => {
    const cases: [string[], string][] = [
      [
        ['canary', 'weight', 'device-registry', '--stable', '-10', '--canary', '110'],
        '--stable must be a whole number from 0 to 100, not "-10"',
      ],
      [
        ['canary', 'start', 'device-registry', '--canary-tag', 'v3', '--weight', '-1'],
        '--weight must be a whole number from 0 to 100, not "-1"',
      ],
      [['deploy', 'device-registry', '--tag', '-v1'], '--tag "-v1" is not a valid image tag'],
    ];
    for (const [argv, message] of cases) {
      const run = io();
      expect([await runMeshctl([...argv, '--dry-run'], run.io), run.err.join()]).toEqual([
        2,
        expect.stringContaining(`meshctl: ${message}`),
      ]);
    }
    // A tag parameter that is one of the options (Jenkins passes "$TAG") is never taken as that option.
    const flag = io();
    expect(await runMeshctl(['deploy', 'device-registry', '--tag', '--dry-run'], flag.io)).toBe(2);
    expect(flag.err.join()).toMatch(/^meshctl: Option '--tag' argument is ambiguous/);
  });

  it('--dry-run prints the exact helm commands and the values that change', async () => {
    const run = io();
    const argv = ['canary', 'start', 'edge-gateway', '--canary-tag', '1.10', '--weight', '25', '--dry-run'];
    const elsewhere = io();
    expect(await runMeshctl([...argv, '--namespace', 'edge'], elsewhere.io)).toBe(2);
    expect(elsewhere.err.join()).toMatch(/released only into namespace edge-gateway, not edge/);
    expect(await runMeshctl([...argv, '--kube-context', 'prod', '--namespace', 'edge-gateway'], run.io)).toBe(
      0,
    );
    const upgrade =
      '$ helm upgrade --install edge-gateway helm/edge-gateway --namespace edge-gateway --kube-context prod ' +
      '--reset-then-reuse-values';
    expect(run.out).toEqual([
      '$ helm dependency build helm/edge-gateway',
      `${upgrade} --set canary.enabled=true --set-string canary.image.tag=1.10 --set traffic.stable=100 ` +
        '--set traffic.canary=0 --set canary.headerRoute=false --wait --timeout 10m',
      '  canary.enabled: (unknown) -> true',
      '  canary.image.tag: (unknown) -> "1.10"',
      '  traffic.stable: (unknown) -> 100',
      '  traffic.canary: (unknown) -> 0',
      '  canary.headerRoute: (unknown) -> false',
      '$ helm dependency build helm/edge-gateway',
      `${upgrade} --set canary.headerRoute=true --set traffic.stable=75 --set traffic.canary=25 --wait --timeout 10m`,
      '  canary.headerRoute: (unknown) -> true',
      '  traffic.stable: (unknown) -> 75',
      '  traffic.canary: (unknown) -> 25',
    ]);
    expect(run.err.join()).toMatch(/dry run: nothing changed/);
  });

  it("deploy --environment passes the environment's values file, under the tag", async () => {
    const run = io();
    expect(
      await runMeshctl(
        ['deploy', 'data-processor', '--tag', '1.4.0', '--environment', 'eks', '--dry-run'],
        run.io,
      ),
    ).toBe(0);
    expect(run.out).toContain(
      '$ helm upgrade --install data-processor helm/data-processor --namespace data-processor --reset-then-reuse-values ' +
        '--values deploy/environments/eks/data-processor.yaml --set-string stable.image.tag=1.4.0 --wait --timeout 10m',
    );
    expect(run.err.join()).toMatch(/data-processor stable is 1.4.0 with the eks values/);
  });

  it('canary auto --dry-run prints at once the lines of a run whose every analysis passes', async () => {
    const asked: string[] = [];
    const prometheus = (url: string) => {
      asked.push(url);
      return Promise.reject(new Error('a dry run asks Prometheus nothing'));
    };
    const run = io({ fetch: prometheus });
    const argv = ['canary', 'auto', 'device-registry', '--canary-tag', 'v2', '--steps', '25,50'];
    expect(await runMeshctl([...argv, '--interval', '10m', '--dry-run'], run.io)).toBe(0);
    const upgrades = run.out.filter((line) => line.startsWith('$ helm upgrade'));
    // The start's two upgrades, the step to 50%, the promotion's three.
    expect(upgrades).toHaveLength(6);
    expect(upgrades[2]).toMatch(/--set traffic.stable=50 --set traffic.canary=50 --timeout/);
    expect(upgrades[3]).toMatch(/--set-string stable.image.tag=v2 --wait/);
    expect(run.out.at(-1)).toBe(
      [
        '+    0s  start     canary v2 at 25%',
        '+  600s  analysis  pass: dry run: not analysed, taken as a pass',
        '+  600s  weight    stable 50% / canary 50%',
        '+ 1200s  analysis  pass: dry run: not analysed, taken as a pass',
        '+ 1200s  promote   v2 is now stable',
        'result: promoted',
      ].join('\n'),
    );
    expect(run.err.at(-1)).toBe('meshctl: dry run: every analysis taken as a pass; nothing changed');
    expect(asked).toEqual([]);
  });

  it('canary auto starts no canary when Prometheus does not answer', async () => {
    const cluster = new DryRunCluster();
    const unreachable = () => Promise.reject(new Error('getaddrinfo ENOTFOUND prometheus.istio-system'));
    const run = io({ cluster, fetch: unreachable, clock: new FakeClock() });
    expect(await runMeshctl(['deploy', 'device-registry', '--tag', 'v1'], run.io)).toBe(0);
    const upgrades = cluster.commands.length;
    expect(
      await runMeshctl(
        [
          'canary',
          'auto',
          'device-registry',
          '--canary-tag',
          'v2',
          '--prometheus',
          'http://prometheus.istio-system:9090',
        ],
        run.io,
      ),
    ).toBe(1);
    expect(run.err.at(-1)).toBe(
      'meshctl: cannot reach Prometheus at http://prometheus.istio-system:9090: getaddrinfo ENOTFOUND prometheus.istio-system: ' +
        'no canary started (set PROMETHEUS_URL or --prometheus)',
    );
    expect(cluster.commands).toHaveLength(upgrades);
  });

  it("canary analyze judges the running canary's version against stable's, or refuses", async () => {
    const cluster = new DryRunCluster();
    const queries: string[] = [];
    const prometheus = (url: string) => {
      queries.push(new URL(url).searchParams.get('query') ?? '');
      return Promise.resolve(
        Response.json({ status: 'success', data: { resultType: 'vector', result: [] } }),
      );
    };
    const run = io({ cluster, fetch: prometheus, clock: new FakeClock() });
    const analyze = (...flags: string[]) =>
      runMeshctl(['canary', 'analyze', 'device-registry', '--metrics', 'app', ...flags], run.io);
    expect(await runMeshctl(['deploy', 'device-registry', '--tag', 'v1'], run.io)).toBe(0);
    expect(await analyze()).toBe(1);
    expect(run.err.at(-1)).toMatch(/has no canary running: pass --canary-tag/);
    expect(await runMeshctl(['canary', 'start', 'device-registry', '--canary-tag', 'v2'], run.io)).toBe(0);
    expect(await analyze('--canary-tag', 'v3')).toBe(1);
    expect(run.err.at(-1)).toBe('meshctl: the running canary is v2, not v3: not analysing');
    expect(queries).toEqual([]);
    expect(await analyze()).toBe(3);
    const selects = (track: string, version: string) =>
      `service="device-registry",track="${track}",version="${version}"`;
    expect(queries).toHaveLength(8);
    expect(queries.filter((q) => q.includes(selects('canary', 'v2')))).toHaveLength(4);
    expect(queries.filter((q) => q.includes(selects('stable', 'v1')))).toHaveLength(4);
    expect(
      (await cluster.readRelease({ service: 'device-registry', namespace: 'device-registry', chart: '' }))
        ?.lastAnalysis?.canaryTag,
    ).toBe('v2');
    // A dry run reads no cluster, so it must be told which canary.
    const dry = io({ fetch: prometheus });
    expect(await runMeshctl(['canary', 'analyze', 'device-registry', '--dry-run'], dry.io)).toBe(2);
    expect(dry.err.join()).toMatch(/a dry run does not read the cluster: pass --canary-tag/);
  });

  it('--json prints one JSON document on stdout and the helm lines on stderr', async () => {
    const run = io();
    expect(
      await runMeshctl(['deploy', 'notification', '--tag', '1.3.0', '--json', '--dry-run'], run.io),
    ).toBe(0);
    expect(JSON.parse(run.out.join('\n'))).toEqual({
      service: 'notification',
      command: 'deploy',
      dryRun: true,
      message: 'notification stable is 1.3.0',
      stableTag: '1.3.0',
    });
    expect(run.err).toContain('$ helm dependency build helm/notification');
    expect(run.err.join('\n')).toMatch(/^\$ helm upgrade --install notification/m);
  });

  it('drives a release through a stateful cluster adapter and reports status', async () => {
    const cluster = new DryRunCluster();
    const run = io({ cluster });
    const ok = (argv: string[]) => runMeshctl(argv, run.io);
    const lastErr = () => run.err.at(-1) ?? '';
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '90', '--canary', '10'])).toBe(1);
    expect(lastErr()).toMatch(/not installed/);
    expect(await ok(['deploy', 'device-registry', '--tag', 'v1'])).toBe(0);
    expect(await ok(['canary', 'rollback', 'device-registry'])).toBe(0);
    expect(lastErr()).toBe('meshctl: device-registry has no canary: nothing to roll back');
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '90', '--canary', '10'])).toBe(1);
    expect(lastErr()).toMatch(/no canary running/);
    expect(await ok(['canary', 'start', 'device-registry', '--canary-tag', 'v1'])).toBe(1);
    expect(lastErr()).toMatch(/v1 is already device-registry's stable tag/);
    expect(await ok(['canary', 'start', 'device-registry', '--canary-tag', 'v2'])).toBe(0);
    expect(await ok(['canary', 'start', 'device-registry', '--canary-tag', 'v3'])).toBe(1);
    expect(lastErr()).toMatch(/run "meshctl canary rollback device-registry" first \(or pass --replace\)/);
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '50', '--canary', '50'])).toBe(0);
    expect(await ok(['canary', 'promote', 'device-registry', '--canary-tag', 'v3'])).toBe(1);
    expect(await ok(['canary', 'promote', 'device-registry'])).toBe(0);
    expect(await ok(['release', 'rollback', 'device-registry'])).toBe(2);
    expect(lastErr()).toMatch(
      /every meshctl step is a Helm revision of its own[\s\S]*"helm history device-registry --namespace device-registry"/,
    );
    expect(await ok(['release', 'rollback', 'device-registry', '--to-tag', 'v1'])).toBe(0);
    expect(lastErr()).toBe('meshctl: device-registry rolled back to revision 1');
    const status = io({ cluster });
    expect(await runMeshctl(['status', 'device-registry', '--json'], status.io)).toBe(0);
    const [row] = JSON.parse(status.out.join('')) as { revision: number; values: { stableTag: string } }[];
    // deploy 1, start 2 and 3, weight 4, promote 5 to 7; the rollback restores revision 1 as 8.
    expect(row).toMatchObject({
      revision: 8,
      values: { stableTag: 'v1', canaryEnabled: false, stableWeight: 100, canaryWeight: 0 },
    });
  });

  it('delegates loadgen to the load generator with its own options', async () => {
    const run = io();
    expect(await runMeshctl(['loadgen', '--rate', 'fast'], run.io)).toBe(2);
    expect(run.err.join()).toMatch(/--rate needs a number/);
  });
});
