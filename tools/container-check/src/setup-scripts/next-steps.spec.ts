// kind-setup.sh and eks-setup.sh end with the steps that follow. docs/deployment-guide.md shows the same
// lines, and they create every Secret deploy-all.sh checks for, so following either reaches a deploy.
import { parse } from 'yaml';
import { existsInRepo, readCatalog, readRepoFile } from '../repo.js';
import { PLUMBING, Sandbox } from './sandbox.js';

/** The lines a script prints under its "next" line, without the two spaces they are indented by. */
function printedSteps(stderr: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.findIndex((line) => line.endsWith(': next, as docs/deployment-guide.md has it:'));
  expect(start).toBeGreaterThanOrEqual(0);
  const after = lines.slice(start + 1);
  const end = after.findIndex((line) => !line.startsWith('  '));
  return after.slice(0, end < 0 ? undefined : end).map((line) => line.slice(2));
}

/** The one fenced bash block of the guide that holds this line, line by line. */
function guideBlock(line: string): string[] {
  const guide = readRepoFile('docs/deployment-guide.md');
  const blocks = [...guide.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map(([, body = '']) =>
    body.trimEnd().split('\n'),
  );
  const holding = blocks.filter((block) => block.includes(line));
  expect(holding).toHaveLength(1);
  return holding[0] ?? [];
}

/**
 * The Secrets the pods need with the charts' values, or an environment's over them: each service's
 * existingSecret, as the kubectl line that creates it. deploy-all.sh deploys nothing while one is missing.
 */
function secretsNeeded(environment?: string): string[] {
  const existingSecret = (path: string) =>
    existsInRepo(path)
      ? (parse(readRepoFile(path)) as { existingSecret?: string } | null)?.existingSecret
      : undefined;
  return readCatalog().flatMap(({ name }) => {
    const secret =
      (environment && existingSecret(`deploy/environments/${environment}/${name}.yaml`)) ||
      existingSecret(`helm/${name}/values.yaml`);
    return secret ? [`kubectl -n ${name} create secret generic ${secret} \\`] : [];
  });
}

describe.each([
  {
    script: 'kind-setup.sh',
    deploy: 'setup-scripts/deploy-all.sh --tag dev',
    environment: undefined,
    plumbing: PLUMBING,
  },
  {
    script: 'eks-setup.sh',
    deploy: 'setup-scripts/deploy-all.sh --tag <tag> --environment eks',
    environment: 'eks',
    // eks-setup.sh installs the CLIs it needs, and jq is none of them.
    plumbing: PLUMBING.filter((tool) => tool !== 'jq'),
  },
])('$script', ({ script, deploy, environment, plumbing }) => {
  let steps: string[];
  beforeAll(() => {
    const sandbox = new Sandbox({ plumbing });
    try {
      const run = sandbox.run(script, ['--dry-run']);
      expect(run.status).toBe(0);
      steps = printedSteps(run.stderr);
    } finally {
      sandbox.cleanup();
    }
  });

  it('ends with the steps docs/deployment-guide.md gives, line for line', () => {
    expect(steps).toEqual(guideBlock(deploy));
  });

  it('names in them every Secret deploy-all.sh will check for, before the deploy', () => {
    const needed = secretsNeeded(environment);
    expect(needed.length).toBeGreaterThan(0);
    expect(steps.filter((line) => needed.includes(line)).sort()).toEqual(needed.sort());
    expect(steps.at(-1)).toBe(deploy);
  });
});

it("kind-setup.sh's steps deploy the tag it loaded", () => {
  const sandbox = new Sandbox();
  try {
    const run = sandbox.run('kind-setup.sh', ['--dry-run', '--tag', 'v7']);
    expect(printedSteps(run.stderr).at(-1)).toBe('setup-scripts/deploy-all.sh --tag v7');
  } finally {
    sandbox.cleanup();
  }
});
