import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJobs, JOBS_FILE, REPO_URL, SERVICE_PIPELINES } from '../src/jenkins/job-definitions.js';
import { autoWorstCaseMs } from '../src/auto/worst-case.js';
import {
  catalogServices,
  checkDuration,
  checkInteger,
  checkSteps,
  REPO_ROOT,
} from '../src/release/validation.js';
import { COMMANDS } from '../src/cli/command-options.js';
import { runMeshctl } from '../src/cli/run.js';

const JENKINSFILES = ['ci', 'deploy', 'canary', 'traffic'].map((name) => `jenkins/Jenkinsfile.${name}`);
const RELEASE_JENKINSFILES = JENKINSFILES.filter((f) => !f.endsWith('.ci'));
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const KUBECONFIG = "withCredentials([file(credentialsId: 'kubeconfig', variable: 'KUBECONFIG')])";

/** The text of one stage, up to the next stage (or the post section). */
const stageText = (text: string, name: string) =>
  text.split(/stage\('/).find((part) => part.startsWith(`${name}'`)) ?? '';

/** A dry run of a command that reads no cluster under it (command-options.ts): it needs no credential. */
const offlineDryRun = (line: string) => {
  const command = /\$MESHCTL ((?:canary |release )?[a-z]+)/.exec(line)?.[1] ?? '';
  return line.includes('--dry-run') && COMMANDS[command]?.dryRun === 'no-cluster';
};

/** The lines running meshctl against the cluster outside a kubeconfig binding. */
function withoutKubeconfig(text: string): string[] {
  const bindings: number[] = [];
  const unbound: string[] = [];
  let depth = 0;
  for (const line of text.split('\n')) {
    if (line.includes(KUBECONFIG)) bindings.push(depth);
    if (line.includes('$MESHCTL') && !offlineDryRun(line) && bindings.length === 0) unbound.push(line.trim());
    for (const char of line) {
      if (char === '{') depth++;
      if (char === '}' && --depth === bindings.at(-1)) bindings.pop();
    }
  }
  return unbound;
}

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
      // Where Jenkins reads the Jenkinsfile and checks out the code: nothing left as a {placeholder}.
      const checksOut = (xml: string) => [
        /<url>([^<]*)<\/url>/.exec(xml)?.[1],
        /<hudson.plugins.git.BranchSpec>\s*<name>([^<]*)<\/name>/.exec(xml)?.[1],
      ];
      for (const service of catalogServices()) {
        expect(readFileSync(join(out, service, 'config.xml'), 'utf8')).toContain(
          'com.cloudbees.hudson.plugins.folder.Folder',
        );
        for (const [job, script] of Object.entries(SERVICE_PIPELINES)) {
          const xml = readFileSync(join(out, service, job, 'config.xml'), 'utf8');
          expect(xml).toContain(`<scriptPath>${script}</scriptPath>`);
          expect(checksOut(xml)).toEqual([REPO_URL, '*/main']);
        }
        expect(readFileSync(join(out, `${service}-releases`, 'config.xml'), 'utf8')).toContain(
          `<includeRegex>${service}/.*</includeRegex>`,
        );
      }
      const ci = readFileSync(join(out, 'iot-mesh-ci', 'config.xml'), 'utf8');
      expect(checksOut(ci)).toEqual([REPO_URL, '*/main']);
      // The remote GIT_BRANCH is named after, which Jenkinsfile.ci's Push stage expects (origin/main).
      expect(ci).toMatch(/<hudson.plugins.git.UserRemoteConfig>\s*<name>origin<\/name>/);
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

  it('tag parameters default to empty (CI never pushes "latest") and Validate fails clearly on an empty one', () => {
    const tags = RELEASE_JENKINSFILES.flatMap((file) =>
      [...read(file).matchAll(/string\(name: '(\w*TAG)', defaultValue: '([^']*)'/g)].map((m) => ({
        file,
        m,
      })),
    );
    expect(tags.map(({ m }) => m[1])).toEqual([
      'DOCKER_IMAGE_TAG',
      'STABLE_DOCKER_IMAGE_TAG',
      'CANARY_DOCKER_IMAGE_TAG',
    ]);
    for (const { file, m } of tags) {
      const [, name = '', fallback] = m;
      expect([name, fallback]).toEqual([name, '']);
      expect(stageText(read(file), 'Validate')).toMatch(
        new RegExp(`if \\([^\\n]*!params\\.${name}\\?\\.trim\\(\\)\\) \\{\\s*error\\('${name} is required`),
      );
    }
  });

  it('every meshctl call that reaches the cluster has the kubeconfig credential bound', () => {
    expect(read('jenkins/casc/jenkins.yaml')).toMatch(/- file:\n\s+scope: GLOBAL\n\s+id: kubeconfig/);
    for (const file of RELEASE_JENKINSFILES)
      expect([file, withoutKubeconfig(read(file))]).toEqual([file, []]);
    // The check finds an unbound call.
    expect(withoutKubeconfig("steps {\n  sh '$MESHCTL deploy x'\n}")).toEqual(["sh '$MESHCTL deploy x'"]);
    // And a dry run that still reads the release.
    const check = "sh '$MESHCTL release check x --tag v1 --dry-run'";
    expect(withoutKubeconfig(`steps {\n  ${check}\n}`)).toEqual([check]);
    expect(withoutKubeconfig("steps {\n  sh '$MESHCTL deploy x --tag v1 --dry-run'\n}")).toEqual([]);
  });

  it('every deploy carries the values of the environment the controller deploys to', () => {
    const deploys = RELEASE_JENKINSFILES.flatMap(
      (file) => read(file).match(/\$MESHCTL deploy [^\n']*/g) ?? [],
    );
    expect(deploys.length).toBeGreaterThan(0);
    for (const line of deploys) expect(line).toContain('--environment "$IOT_MESH_ENVIRONMENT"');
    expect(read('jenkins/casc/jenkins.yaml')).toMatch(
      /- key: IOT_MESH_ENVIRONMENT\n\s+value: \$\{IOT_MESH_ENVIRONMENT\}/,
    );
  });

  it('takes the Prometheus URL from the controller, where it can be set to what the controller reaches', () => {
    for (const file of RELEASE_JENKINSFILES)
      expect([file, read(file)]).not.toEqual([file, expect.stringMatching(/PROMETHEUS_URL\s*=/)]);
    expect(read('jenkins/casc/jenkins.yaml')).toMatch(
      /- key: PROMETHEUS_URL\n\s+value: \$\{PROMETHEUS_URL\}/,
    );
  });

  it('runs canary auto with steps meshctl accepts: below 100, so stable stays the baseline', () => {
    const steps = /\$MESHCTL canary auto [^\n']*--steps (\S+)/.exec(read('jenkins/Jenkinsfile.canary'))?.[1];
    expect(checkSteps(steps ?? '')).toEqual([10, 25, 50]);
  });

  it("gives canary auto a stage timeout beyond auto's worst case, so it cannot fire mid-promotion", () => {
    const text = read('jenkins/Jenkinsfile.canary');
    const line = /\$MESHCTL canary auto [^\n']*/.exec(text)?.[0] ?? '';
    const flag = (name: string) => new RegExp(`--${name} (\\S+)`).exec(line)?.[1] ?? '';
    const worstCase = autoWorstCaseMs({
      steps: checkSteps(flag('steps')),
      intervalMs: checkDuration('--interval', flag('interval')),
      failureThreshold: checkInteger('--failure-threshold', flag('failure-threshold'), 1, 10),
      deadlineMs: checkDuration('--deadline', flag('deadline')),
    });
    const [, time = '0', unit = ''] =
      /timeout\(time: (\d+), unit: '(MINUTES|HOURS)'\)/.exec(stageText(text, 'Canary with analysis')) ?? [];
    const timeoutMs = Number(time) * (unit === 'HOURS' ? 3_600_000 : 60_000);
    expect(timeoutMs).toBeGreaterThanOrEqual(worstCase);
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

  it('the moving tag latest, for stable or canary (CI pushes commit tags)', async () => {
    const results = await Promise.all([
      run(['deploy', 'device-registry', '--tag', 'latest', '--dry-run']),
      run(['canary', 'start', 'device-registry', '--canary-tag', 'latest', '--dry-run']),
      run(['release', 'check', 'device-registry', '--tag', 'v1', '--canary-tag', 'latest']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
    for (const { err } of results) expect(err).toMatch(/"latest" is a moving tag/);
  });

  it('a stable tag that is not a Docker tag', async () => {
    expect((await run(['deploy', 'device-registry', '--tag', 'v1 rc', '--dry-run'])).code).toBe(2);
  });
});
