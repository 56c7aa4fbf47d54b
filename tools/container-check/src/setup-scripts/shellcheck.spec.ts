import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { repoPath } from '../repo.js';
import { setupScripts } from './sandbox.js';

const libraries = readdirSync(repoPath('setup-scripts/lib')).map((name) => `lib/${name}`);

describe('setup-scripts are shellcheck-clean and strict', () => {
  it('passes shellcheck (every finding, style level included) for every script and its library', () => {
    const files = [...setupScripts(), ...libraries];
    expect(files).toEqual(expect.arrayContaining(['deploy-all.sh', 'lib/common.sh']));
    // From setup-scripts/ so `source lib/common.sh` directives resolve (-x follows them).
    const result = spawnSync('/usr/bin/shellcheck', ['-x', '--severity=style', ...files], {
      cwd: repoPath('setup-scripts'),
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect({ status: result.status, findings: result.stdout }).toEqual({ status: 0, findings: '' });
  });

  it.each(setupScripts())('%s is executable bash with set -euo pipefail and a purpose line', (script) => {
    const path = repoPath('setup-scripts', script);
    const [shebang, purpose] = readFileSync(path, 'utf8').split('\n');
    expect(shebang).toBe('#!/usr/bin/env bash');
    expect(purpose).toMatch(/^# \S.{10,}/);
    expect(readFileSync(path, 'utf8')).toMatch(/^set -euo pipefail$/m);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
  });
});
