// setup-scripts/deploy-all.sh drives meshctl: it must refuse the tags meshctl refuses (one rule, the
// charts') before deploying anything, and hand the environment to every deploy.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkTag, REPO_ROOT, UsageError } from '../src/release/validation.js';

const deployAll = (...args: string[]) =>
  spawnSync(
    'bash',
    [join(REPO_ROOT, 'setup-scripts/deploy-all.sh'), '--dry-run', '--skip-namespaces', ...args],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
const meshctlTakes = (tag: string) => {
  try {
    return checkTag('--tag', tag) === tag;
  } catch (error) {
    if (error instanceof UsageError) return false;
    throw error;
  }
};

describe('deploy-all.sh', () => {
  it.each(['1.4.0', 'v2', 'sha-abc123def456', 'A'.repeat(63), '1.0-', '_dev', '.v1', 'a'.repeat(64), 'v1:2'])(
    'takes the tag %s exactly when meshctl does',
    (tag) => {
      const run = deployAll('--tag', tag, 'device-registry');
      expect([tag, run.status]).toEqual([tag, meshctlTakes(tag) ? 0 : 2]);
      if (run.status === 2) expect(run.stdout).toBe('');
    },
  );

  it('passes --environment to every meshctl deploy', () => {
    const run = deployAll('--tag', '1.4.0', '--environment', 'eks', 'device-registry', 'notification');
    expect(run.stdout.trim().split('\n')).toEqual([
      '+ node tools/meshctl/dist/main.js deploy notification --tag 1.4.0 --environment eks',
      '+ node tools/meshctl/dist/main.js deploy device-registry --tag 1.4.0 --environment eks',
    ]);
  });
});
