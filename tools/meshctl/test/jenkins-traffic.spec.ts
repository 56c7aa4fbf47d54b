// The traffic job's meshctl lines with the build's parameters filled in, against fake-cluster: its
// Validate stage is a dry run, which reads no cluster, so the canary's readiness is checked by the
// Shift traffic stage's own canary weight, which refuses before changing anything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMeshctl } from '../src/cli/run.js';
import { REPO_ROOT } from '../src/release/validation.js';
import { FakeCluster } from './fake-cluster.js';

const jenkinsfile = readFileSync(join(REPO_ROOT, 'jenkins/Jenkinsfile.traffic'), 'utf8');
const service = 'device-registry';
const cluster = new FakeCluster();
afterAll(() => cluster.cleanup());

const meshctl = (argv: string[]) =>
  runMeshctl(argv, { out: () => undefined, err: () => undefined, env: cluster.env });

/** Each `sh '$MESHCTL canary weight ...'` line of the job, in order, run with these parameters. */
async function runWeightLines(variables: Record<string, string>): Promise<number[]> {
  const lines = [...jenkinsfile.matchAll(/sh '\$MESHCTL (canary weight [^']*)'/g)].map((m) => m[1] ?? '');
  expect(lines).toHaveLength(2);
  const codes = [];
  for (const line of lines) {
    const argv = line.replace(/"\$(\w+)"/g, (_, name: string) => variables[name] ?? '').split(' ');
    codes.push(await meshctl(argv));
  }
  return codes;
}

describe('Jenkinsfile.traffic', () => {
  beforeAll(async () => {
    cluster.addSecret(service, 'device-registry-env');
    await meshctl(['deploy', service, '--tag', 'v1', '--environment', 'eks']);
    await meshctl(['canary', 'start', service, '--canary-tag', 'v2']);
  });

  it('fails in Shift traffic, changing nothing, while the canary has no ready pod', async () => {
    cluster.setPods('canary', 0, 1);
    const revisions = cluster.revisions(service).length;
    const weights = { SERVICE: service, STABLE_TRAFFIC_WEIGHT: '50', CANARY_TRAFFIC_WEIGHT: '50' };
    // Validate (the dry run) passes; Shift traffic refuses.
    expect(await runWeightLines(weights)).toEqual([0, 1]);
    expect(cluster.revisions(service)).toHaveLength(revisions);
  });
});
