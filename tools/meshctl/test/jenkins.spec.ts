import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJobs, JOBS_FILE, SERVICE_PIPELINES } from '../src/jenkins/job-definitions.js';
import { catalogServices, REPO_ROOT } from '../src/release/validation.js';
import { runMeshctl } from '../src/cli/run.js';

const JENKINSFILES = ['ci', 'deploy', 'canary', 'traffic'].map((name) => `jenkins/Jenkinsfile.${name}`);
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('Jenkins job definitions', () => {
  it('are fresh: jenkins/jobs is what the generator makes from the catalog', () => {
    expect(read(JOBS_FILE)).toBe(renderJobs(catalogServices()));
  });

  it('render with jenkins-jobs: a folder, its pipelines and a view per service', () => {
    const out = mkdtempSync(join(tmpdir(), 'meshctl-jjb-'));
    try {
      execFileSync('jenkins-jobs', ['test', '--config-xml', join(REPO_ROOT, 'jenkins/jobs'), '-o', out], {
        stdio: 'pipe',
      });
      for (const service of catalogServices()) {
        expect(readFileSync(join(out, service, 'config.xml'), 'utf8')).toContain(
          'com.cloudbees.hudson.plugins.folder.Folder',
        );
        for (const [job, script] of Object.entries(SERVICE_PIPELINES)) {
          const xml = readFileSync(join(out, service, job, 'config.xml'), 'utf8');
          expect(xml).toContain(`<scriptPath>${script}</scriptPath>`);
        }
        expect(readFileSync(join(out, `${service}-releases`, 'config.xml'), 'utf8')).toContain(
          `<includeRegex>${service}/.*</includeRegex>`,
        );
      }
      expect(existsSync(join(out, 'iot-mesh-ci', 'config.xml'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('Jenkinsfiles', () => {
  it('parse as Groovy', () => {
    const script = join(REPO_ROOT, 'tools/meshctl/test/parse-jenkinsfiles.groovy');
    const output = execFileSync('groovy', [script, ...JENKINSFILES.map((f) => join(REPO_ROOT, f))], {
      env: { ...process.env, JAVA_HOME: '/usr/lib/jvm/java-17-openjdk-amd64' },
      encoding: 'utf8',
    });
    expect(output.trim().split('\n')).toHaveLength(JENKINSFILES.length);
  });

  /** Every declared parameter is passed to meshctl, or guards a stage that runs meshctl. */
  it.each(JENKINSFILES.filter((f) => !f.endsWith('.ci')))('%s hands every parameter to meshctl', (file) => {
    const text = read(file);
    const params = [...text.matchAll(/(?:string|booleanParam)\(name: '(\w+)'/g)].map((m) => m[1] ?? '');
    expect(params.length).toBeGreaterThan(0);
    const stages = text.split(/stage\('/).slice(1);
    const unused = params.filter(
      (param) =>
        !stages.some(
          (stage) =>
            stage.includes('$MESHCTL') &&
            (new RegExp(`\\$MESHCTL[^\\n]*"\\$${param}"`).test(stage) || stage.includes(`params.${param}`)),
        ),
    );
    expect(unused).toEqual([]);
  });

  it('the service comes from the job folder generated from the catalog', () => {
    for (const file of JENKINSFILES.filter((f) => !f.endsWith('.ci'))) {
      expect(read(file)).toContain(`SERVICE = "\${env.JOB_NAME.tokenize('/')[0]}"`);
    }
  });
});

describe('meshctl rejects what the pipelines would reject', () => {
  const run = async (argv: string[]) => {
    const err: string[] = [];
    const code = await runMeshctl(argv, { out: () => undefined, err: (t) => err.push(t), env: {} });
    return { code, err: err.join('\n') };
  };

  it('traffic weights 60/50', async () => {
    const result = await run([
      'canary',
      'weight',
      'device-registry',
      '--stable',
      '60',
      '--canary',
      '50',
      '--dry-run',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/must sum to 100/);
  });

  it('a canary enabled without a tag (CANARY_DOCKER_IMAGE_TAG left empty)', async () => {
    const result = await run(['canary', 'start', 'device-registry', '--canary-tag', '', '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--canary-tag is required/);
  });

  it('a stable tag that is not a Docker tag', async () => {
    expect((await run(['deploy', 'device-registry', '--tag', 'v1 rc', '--dry-run'])).code).toBe(2);
  });
});
