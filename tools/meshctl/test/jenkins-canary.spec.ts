// The canary job's Validate and Rollback stages, run as Jenkins runs them (real Groovy, see
// jenkinsfile-replay.ts), and the meshctl commands they run played against fake-cluster: what the Stable
// or Canary stage would refuse is refused in Validate, before stable changes; a rollback of a named
// canary leaves another build's alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMeshctl } from '../src/cli/run.js';
import { REPO_ROOT } from '../src/release/validation.js';
import { FakeCluster } from './fake-cluster.js';
import { replayStageScript, type ReplayInput } from './jenkinsfile-replay.js';

const jenkinsfile = readFileSync(join(REPO_ROOT, 'jenkins/Jenkinsfile.canary'), 'utf8');
const service = 'device-registry';
const controller = { IOT_MESH_ENVIRONMENT: 'eks' };
const params = (overrides: ReplayInput['params']): ReplayInput['params'] => ({
  STABLE_DOCKER_IMAGE_TAG: 'v2',
  canaryEnabled: false,
  CANARY_DOCKER_IMAGE_TAG: '',
  AUTO_ANALYSIS: false,
  ROLLBACK: false,
  ...overrides,
});

describe('Jenkinsfile.canary Validate and Rollback', () => {
  it('refuses parameters that contradict each other, and a controller without an environment', () => {
    const [rollbackWithCanary, autoWithoutCanary, noEnvironment, rollbackAlone, rollbackNamed] =
      replayStageScript(jenkinsfile, 'Validate', [
        {
          params: params({ ROLLBACK: true, canaryEnabled: true, CANARY_DOCKER_IMAGE_TAG: 'v3' }),
          env: controller,
        },
        { params: params({ AUTO_ANALYSIS: true }), env: controller },
        { params: params({}), env: {} },
        { params: params({ ROLLBACK: true, STABLE_DOCKER_IMAGE_TAG: '' }), env: {} },
        {
          params: params({ ROLLBACK: true, STABLE_DOCKER_IMAGE_TAG: '', CANARY_DOCKER_IMAGE_TAG: 'v3' }),
          env: {},
        },
      ]);
    expect(rollbackWithCanary?.error).toMatch(/^ROLLBACK only rolls the running canary back/);
    expect(autoWithoutCanary?.error).toMatch(/^AUTO_ANALYSIS analyses a canary/);
    expect(noEnvironment?.error).toMatch(/^IOT_MESH_ENVIRONMENT is not set/);
    expect(rollbackAlone).toEqual({ sh: [] });
    expect(rollbackNamed).toEqual({ sh: [] });
  });

  it('refuses a tag the chosen mode would ignore, rather than dropping it', () => {
    const [rollbackWithStable, canaryTagWithoutCanary] = replayStageScript(jenkinsfile, 'Validate', [
      { params: params({ ROLLBACK: true }), env: {} },
      { params: params({ CANARY_DOCKER_IMAGE_TAG: 'v3' }), env: controller },
    ]);
    expect(rollbackWithStable?.error).toMatch(
      /^ROLLBACK leaves stable as it is: clear STABLE_DOCKER_IMAGE_TAG/,
    );
    expect(canaryTagWithoutCanary?.error).toMatch(
      /^CANARY_DOCKER_IMAGE_TAG is set but canaryEnabled is not: set canaryEnabled .* or clear the tag/,
    );
  });

  describe('against the cluster', () => {
    const cluster = new FakeCluster();
    afterAll(() => cluster.cleanup());

    /** A stage's meshctl commands with the build's variables filled in, run against the fake cluster. */
    async function runStage(stage: string, input: ReplayInput['params']): Promise<number[]> {
      const [replay] = replayStageScript(jenkinsfile, stage, [{ params: params(input), env: controller }]);
      expect(replay?.error).toBeUndefined();
      const variables: Record<string, string> = { SERVICE: service, ...controller };
      for (const [key, value] of Object.entries(params(input))) variables[key] = String(value);
      const codes = [];
      for (const command of replay?.sh ?? []) {
        const argv = command
          .replace(/^\$MESHCTL /, '')
          .replace(/"\$(\w+)"/g, (_, name: string) => variables[name] ?? '')
          .split(' ');
        codes.push(await runMeshctl(argv, { out: () => undefined, err: () => undefined, env: cluster.env }));
      }
      return codes;
    }
    const validate = (input: ReplayInput['params']) => runStage('Validate', input);
    const deploy = (...argv: string[]) =>
      runMeshctl(['deploy', service, ...argv, '--environment', 'eks'], {
        out: () => undefined,
        err: () => undefined,
        env: cluster.env,
      });

    beforeEach(async () => {
      cluster.reset();
      // The eks values take the registry's database URL from this Secret, as the guide has it created.
      cluster.addSecret(service, 'device-registry-env');
      await deploy('--tag', 'v1');
    });

    it('passes a stable deploy, and a canary of another tag', async () => {
      expect(await validate({})).toEqual([0]);
      expect(await validate({ canaryEnabled: true, CANARY_DOCKER_IMAGE_TAG: 'v3' })).toEqual([0]);
    });

    it('fails the same tag for stable and canary before Stable rolls it out untested', async () => {
      expect(await validate({ canaryEnabled: true, CANARY_DOCKER_IMAGE_TAG: 'v2' })).toEqual([1]);
      expect(cluster.revisions(service).map((r) => r.values['stable'])).toEqual([{ image: { tag: 'v1' } }]);
    });

    it('fails while an earlier build left a canary running, before stable changes under it', async () => {
      await runMeshctl(['canary', 'start', service, '--canary-tag', 'v1.5'], {
        out: () => undefined,
        err: () => undefined,
        env: cluster.env,
      });
      const revisions = cluster.revisions(service).length;
      expect(
        await validate({
          STABLE_DOCKER_IMAGE_TAG: 'v1.1',
          canaryEnabled: true,
          CANARY_DOCKER_IMAGE_TAG: 'v3',
        }),
      ).toEqual([1]);
      expect(cluster.revisions(service)).toHaveLength(revisions);
    });

    it("Rollback with a canary tag refuses another build's canary, and removes its own", async () => {
      const start = (tag: string) =>
        runMeshctl(['canary', 'start', service, '--canary-tag', tag], {
          out: () => undefined,
          err: () => undefined,
          env: cluster.env,
        });
      await start('v4');
      const rollback = (tag: string) =>
        runStage('Rollback', { ROLLBACK: true, STABLE_DOCKER_IMAGE_TAG: '', CANARY_DOCKER_IMAGE_TAG: tag });
      expect(await rollback('v3')).toEqual([1]);
      expect(cluster.revisions(service).at(-1)?.values['canary']).toMatchObject({
        enabled: true,
        image: { tag: 'v4' },
      });
      expect(await rollback('v4')).toEqual([0]);
      expect(cluster.revisions(service).at(-1)?.values['canary']).toMatchObject({ enabled: false });
    });
  });
});
