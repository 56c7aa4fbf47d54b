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
    [['canary', 'explode', 'device-registry'], /unknown command "canary explode"/],
    [['canary', 'analyze', 'device-registry', '--metrics', 'statsd'], /--metrics must be istio or app/],
  ])('rejects %j with exit 2', async (argv, message) => {
    const run = io();
    expect(await runMeshctl(argv, run.io)).toBe(2);
    expect(run.err.join('\n')).toMatch(message);
  });

  it('--dry-run prints the exact helm command and the values that change', async () => {
    const run = io();
    const argv = ['canary', 'start', 'edge-gateway', '--canary-tag', '1.10', '--weight', '25', '--dry-run'];
    expect(await runMeshctl([...argv, '--kube-context', 'prod', '--namespace', 'edge'], run.io)).toBe(0);
    expect(run.out).toEqual([
      '$ helm dependency build helm/edge-gateway',
      '$ helm upgrade --install edge-gateway helm/edge-gateway --namespace edge --kube-context prod --reuse-values ' +
        '--set canary.enabled=true --set-string canary.image.tag=1.10 --set traffic.stable=75 --set traffic.canary=25 ' +
        '--wait --timeout 10m',
      '  canary.enabled: (unknown) -> true',
      '  canary.image.tag: (unknown) -> "1.10"',
      '  traffic.stable: (unknown) -> 75',
      '  traffic.canary: (unknown) -> 25',
    ]);
    expect(run.err.join()).toMatch(/dry run: nothing changed/);
  });

  it('drives a release through a stateful cluster adapter and reports status', async () => {
    const cluster = new DryRunCluster();
    const run = io({ cluster });
    const ok = (argv: string[]) => runMeshctl(argv, run.io);
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '90', '--canary', '10'])).toBe(1);
    expect(run.err.join()).toMatch(/not installed/);
    expect(await ok(['deploy', 'device-registry', '--tag', 'v1'])).toBe(0);
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '90', '--canary', '10'])).toBe(1);
    expect(run.err.join()).toMatch(/no canary running/);
    expect(await ok(['canary', 'start', 'device-registry', '--canary-tag', 'v2'])).toBe(0);
    expect(await ok(['canary', 'weight', 'device-registry', '--stable', '50', '--canary', '50'])).toBe(0);
    expect(await ok(['canary', 'promote', 'device-registry', '--canary-tag', 'v3'])).toBe(1);
    expect(await ok(['canary', 'promote', 'device-registry'])).toBe(0);
    expect(await ok(['release', 'rollback', 'device-registry'])).toBe(0);
    const status = io({ cluster });
    expect(await runMeshctl(['status', 'device-registry', '--json'], status.io)).toBe(0);
    const [row] = JSON.parse(status.out.join('')) as { revision: number; values: { stableTag: string } }[];
    // deploy 1, start 2, weight 3, promote 4 and 5 (two upgrades); rollback restores revision 4 as 6.
    expect(row).toMatchObject({
      revision: 6,
      values: { stableTag: 'v2', canaryEnabled: true, canaryWeight: 50 },
    });
  });

  it('delegates loadgen to the load generator with its own options', async () => {
    const run = io();
    expect(await runMeshctl(['loadgen', '--rate', 'fast'], run.io)).toBe(2);
    expect(run.err.join()).toMatch(/--rate needs a number/);
  });
});
