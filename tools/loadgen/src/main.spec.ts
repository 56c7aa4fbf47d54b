import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * Preloaded into a Node 24 to make it look like Node 20 to the entry point: the version says 20,
 * and every module the entry point imports fails to load, as one written for Node 24 may there.
 */
const AS_NODE_20 = `
import { registerHooks } from 'node:module';
Object.defineProperty(process.versions, 'node', { value: '20.20.2' });
registerHooks({
  resolve(specifier, context, next) {
    if (context.parentURL?.endsWith('/dist/main.js')) throw new TypeError('cannot load ' + specifier);
    return next(specifier, context);
  },
});
`;

const runMain = (args: string[], preload?: string) =>
  spawnSync(
    process.execPath,
    [...(preload ? ['--import', `data:text/javascript,${encodeURIComponent(preload)}`] : []), MAIN, ...args],
    { encoding: 'utf8', timeout: 30_000 },
  );

describe('the entry point (built: dist/main.js)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the project first`);
  });

  it('refuses an older Node in one line with exit 2, before loading anything that would crash on it', () => {
    const { status, stdout, stderr } = runMain(['--help'], AS_NODE_20);
    expect({ status, stdout, stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'loadgen: needs Node 24 or later (this is Node 20.20.2)\n',
    });
  });

  it('says so in JSON on stdout too with --json', () => {
    const { status, stdout } = runMain(['--json'], AS_NODE_20);
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      error: { code: 'NODE_VERSION', message: 'needs Node 24 or later (this is Node 20.20.2)' },
    });
  });

  it('runs the CLI on Node 24', () => {
    const { status, stdout } = runMain(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: node tools/loadgen/dist/main.js [options]');
  });
});
