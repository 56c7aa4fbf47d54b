// meshctl through HelmCluster against fake-cluster/fake-helm.ts: real processes, Helm 4's rules for
// release values, and every upgrade rendered by the real helm binary with the real chart.
import { runMeshctl } from '../src/cli/run.js';
import { FakeCluster } from './fake-cluster.js';

const service = 'device-registry';
const cluster = new FakeCluster();

beforeEach(() => {
  cluster.reset();
  // The eks values take the registry's database URL from this Secret, as the guide has it created.
  cluster.addSecret(service, 'device-registry-env');
});
afterAll(() => cluster.cleanup());

async function meshctl(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMeshctl(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: cluster.env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const latest = () => cluster.revisions(service).at(-1);
const upgrades = () => cluster.calls().filter((call) => call.startsWith('helm upgrade'));

describe('deploy --environment', () => {
  it('deploys with the environment values, and every later step keeps them', async () => {
    expect((await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks')).code).toBe(0);
    expect(upgrades()[0]).toContain('--values deploy/environments/eks/device-registry.yaml');
    expect((await meshctl('canary', 'start', service, '--canary-tag', 'v2')).code).toBe(0);
    expect(latest()?.values).toMatchObject({
      storage: { kind: 'postgres' },
      existingSecret: 'device-registry-env',
      canary: { enabled: true, image: { tag: 'v2' } },
    });
  });

  it('leaves the chart defaults without it: one SQLite pod, so the chart refuses a canary', async () => {
    expect((await meshctl('deploy', service, '--tag', 'v1')).code).toBe(0);
    const start = await meshctl('canary', 'start', service, '--canary-tag', 'v2');
    expect(start.code).toBe(1);
    expect(start.err).toContain('storage.kind=sqlite keeps a separate database in each pod');
  });

  it('refuses an unknown environment before anything runs', async () => {
    const run = await meshctl('deploy', service, '--tag', 'v1', '--environment', 'staging');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--environment "staging" is not one of deploy/environments/: eks');
    expect(cluster.calls()).toEqual([]);
  });
});

describe('release check', () => {
  const check = (...flags: string[]) => meshctl('release', 'check', service, ...flags);

  it('passes a stable deploy and a canary in an environment with a shared database, changing nothing', async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    const before = cluster.revisions(service).length;
    const run = await check('--tag', 'v1.1', '--canary-tag', 'v2', '--environment', 'eks');
    expect([run.code, run.err]).toEqual([
      0,
      'meshctl: device-registry: stable v1.1, then canary v2 at 10% would go through',
    ]);
    expect(cluster.revisions(service)).toHaveLength(before);
    expect(upgrades()).toHaveLength(1);
  });

  it('refuses the canary tag equal to the stable tag the deploy would set', async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    const run = await check('--tag', 'v2', '--canary-tag', 'v2', '--environment', 'eks');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "canary start: v2 is already device-registry's stable tag: no canary to compare",
    );
  });

  it('refuses while an earlier canary is parked, before stable would change under it', async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    await meshctl('canary', 'start', service, '--canary-tag', 'v2');
    const run = await check('--tag', 'v1.1', '--canary-tag', 'v3', '--environment', 'eks');
    expect(run.code).toBe(1);
    expect(run.err).toContain('canary start: device-registry already has canary v2 at 10%');
  });

  it('refuses what the chart would: a canary next to a SQLite pod', async () => {
    await meshctl('deploy', service, '--tag', 'v1');
    const run = await check('--tag', 'v1.1', '--canary-tag', 'v2');
    expect(run.code).toBe(1);
    expect(run.err).toContain('the chart refuses the values: helm template failed');
    expect(run.err).toContain('storage.kind=sqlite keeps a separate database in each pod');
    expect(upgrades()).toHaveLength(1);
  });

  it('checks that Prometheus answers when the canary is to be analysed', async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    const run = await check(
      '--tag',
      'v1',
      '--canary-tag',
      'v2',
      '--environment',
      'eks',
      '--analysis',
      '--prometheus',
      'http://127.0.0.1:1',
    );
    expect(run.code).toBe(1);
    expect(run.err).toContain('canary auto: cannot reach Prometheus at http://127.0.0.1:1');
  });
});

describe('canary weight', () => {
  it('sticks: a later upgrade keeps the new weights, even while the canary is not ready', async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    await meshctl('canary', 'start', service, '--canary-tag', 'v2', '--weight', '25');
    // The canary turns unready: every upgrade that waits now times out after applying its manifests.
    cluster.failUpgradesMatching(/--wait/);
    expect((await meshctl('canary', 'weight', service, '--stable', '100', '--canary', '0')).code).toBe(0);
    expect((await meshctl('deploy', service, '--tag', 'v1.0.1')).code).toBe(1);
    expect(latest()).toMatchObject({
      status: 'failed',
      values: { stable: { image: { tag: 'v1.0.1' } }, traffic: { stable: 100, canary: 0 } },
    });
  });
});

describe('canary weight onto a canary with no ready pod', () => {
  beforeEach(async () => {
    await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    await meshctl('canary', 'start', service, '--canary-tag', 'v2', '--weight', '10');
  });
  const weight = (stable: number, canary: number) =>
    meshctl('canary', 'weight', service, '--stable', String(stable), '--canary', String(canary));

  it('refuses more weight, saying no pod is ready, and changes nothing', async () => {
    const revisions = cluster.revisions(service).length;
    cluster.setPods('canary', 0, 1);
    const none = await weight(0, 100);
    expect([none.code, none.err]).toEqual([
      1,
      'meshctl: device-registry canary v2 has 0 of 1 pods ready: not raising its weight from 10% to 100% ' +
        '(lowering it, or "meshctl canary rollback device-registry", is allowed); see "meshctl status device-registry"',
    ]);
    expect(cluster.revisions(service)).toHaveLength(revisions);
    expect(upgrades()).toHaveLength(3);
  });

  it('lets its weight go down, the way back, and up again once a pod is ready, while more start', async () => {
    cluster.setPods('canary', 0, 1);
    expect((await weight(95, 5)).code).toBe(0);
    expect(latest()?.values).toMatchObject({ traffic: { stable: 95, canary: 5 } });
    // An autoscaler adding pods: Envoy sends only to the ready one.
    cluster.setPods('canary', 1, 2);
    expect((await weight(50, 50)).code).toBe(0);
    expect(latest()?.values).toMatchObject({ traffic: { stable: 50, canary: 50 } });
  });
});

describe('the Secrets the pods need', () => {
  beforeEach(() => cluster.reset());

  it('deploy refuses before any upgrade while one is missing, naming it and how to create it', async () => {
    const run = await meshctl('deploy', service, '--tag', 'v1', '--environment', 'eks');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "device-registry's pods need the Secret device-registry/device-registry-env, which does not exist",
    );
    expect(run.err).toContain('kubectl -n device-registry create secret generic device-registry-env');
    expect(cluster.calls()).toContain(
      'kubectl get secret device-registry-env --namespace device-registry --output name',
    );
    expect(upgrades()).toEqual([]);
    expect(cluster.revisions(service)).toEqual([]);
  });

  it('deploy goes through once it exists, and without the environment none is needed', async () => {
    expect((await meshctl('deploy', service, '--tag', 'v1')).code).toBe(0);
    expect(cluster.calls().filter((call) => call.startsWith('kubectl get secret'))).toEqual([]);
    cluster.addSecret(service, 'device-registry-env');
    expect((await meshctl('deploy', service, '--tag', 'v2', '--environment', 'eks')).code).toBe(0);
    expect(latest()).toMatchObject({ status: 'deployed', values: { existingSecret: 'device-registry-env' } });
  });

  it('release check names it among the refusals, changing nothing', async () => {
    const run = await meshctl('release', 'check', 'edge-gateway', '--tag', 'v1');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "deploy: edge-gateway's pods need the Secret edge-gateway/edge-gateway-env, which does not exist",
    );
    expect(upgrades()).toEqual([]);
    cluster.addSecret('edge-gateway', 'edge-gateway-env');
    expect((await meshctl('release', 'check', 'edge-gateway', '--tag', 'v1')).code).toBe(0);
  });
});
