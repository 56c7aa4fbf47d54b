// setup-scripts/install-helm.sh: prints the binary's path, is safe to run again, and explains bad input.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../src/catalog/generate-catalog-template.js';

const script = join(repoRoot, 'setup-scripts/install-helm.sh');

describe('install-helm.sh', () => {
  it('prints the path of a working helm, and the same path when run again', () => {
    const first = execFileSync(script, { encoding: 'utf8' }).trim();
    expect(first).toBe(join(repoRoot, '.toolchain/bin/helm'));
    expect(execFileSync(first, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v\d+\.\d+\.\d+/);
    expect(execFileSync(script, { encoding: 'utf8' }).trim()).toBe(first);
  });

  it('documents itself with --help', () => {
    expect(execFileSync(script, ['--help'], { encoding: 'utf8' })).toContain('Usage: install-helm.sh');
  });

  it('rejects an unknown option with a message and exit code 2', () => {
    const result = spawnSync(script, ['--bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --bogus');
  });
});
