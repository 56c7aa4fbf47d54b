// The dry runs of the commands that read the release (status, release check, release rollback) read it
// as without --dry-run, printing each look-up, and change nothing: against helm and kubectl stand-ins.
import { runMeshctl } from '../src/cli/run.js';
import { FakeCluster } from './fake-cluster.js';

const service = 'device-registry';
const cluster = new FakeCluster();

async function meshctl(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMeshctl(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: cluster.env });
  return { code, out, err: err.join('\n') };
}
const changes = () =>
  cluster.calls().filter((call) => /^(helm upgrade|helm rollback|kubectl apply)/.test(call));

beforeEach(async () => {
  cluster.reset();
  for (const tag of ['v1', 'v2']) expect((await meshctl('deploy', service, '--tag', tag)).code).toBe(0);
});
afterAll(() => cluster.cleanup());

it('release rollback --to-tag --dry-run names the revision it would go back to, and rolls nothing back', async () => {
  const before = changes();
  const run = await meshctl('release', 'rollback', service, '--to-tag', 'v1', '--dry-run');
  expect([run.code, run.err]).toEqual([
    0,
    `meshctl: ${service} rolled back to revision 1 (dry run: nothing changed)`,
  ]);
  expect(run.out).toContain(`$ helm history ${service} --namespace ${service} --output json`);
  expect(run.out.at(-1)).toBe(`$ helm rollback ${service} 1 --namespace ${service} --wait --timeout 10m`);
  expect(changes()).toEqual(before);
  expect(cluster.revisions(service)).toHaveLength(2);
});

it('release rollback --dry-run refuses what the rollback would: a revision that is not an earlier one', async () => {
  const run = await meshctl('release', 'rollback', service, '--revision', '2', '--dry-run');
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/device-registry is at revision 2: name an earlier one/);
});

it('release check --dry-run comes to the verdict it comes to without, printing its look-ups', async () => {
  // The eks values need the Secret device-registry-env, which does not exist.
  const flags = ['release', 'check', service, '--tag', 'v3', '--environment', 'eks'];
  const real = await meshctl(...flags);
  const dry = await meshctl(...flags, '--dry-run');
  expect(real.code).toBe(1);
  expect([dry.code, dry.err]).toEqual([real.code, real.err]);
  expect(dry.err).toMatch(/pods need the Secret device-registry\/device-registry-env/);
  expect(dry.out).toContain(`$ kubectl get secret device-registry-env --namespace ${service} --output name`);
  expect(real.out).toEqual([]);
});

it('status --dry-run shows the release as it is', async () => {
  const run = await meshctl('status', service, '--dry-run', '--json');
  const [row] = JSON.parse(run.out.join('\n')) as { installed: boolean; values: { stableTag: string } }[];
  expect([run.code, row?.installed, row?.values.stableTag]).toEqual([0, true, 'v2']);
  expect(run.err).toContain(`$ helm status ${service} --namespace ${service} --output json`);
  expect(changes()).toHaveLength(2);
});
