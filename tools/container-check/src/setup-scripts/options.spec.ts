import { Sandbox, setupScripts } from './sandbox.js';

describe.each(setupScripts())('%s command line', (script) => {
  let sandbox: Sandbox;
  beforeAll(() => (sandbox = new Sandbox()));
  afterAll(() => sandbox.cleanup());
  beforeEach(() => sandbox.clearCalls());

  it('prints its usage for --help, exits 0 and runs nothing', () => {
    const run = sandbox.run(script, ['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ${script.replace('.', '\\.')} `));
    expect(run.stdout).toContain('--dry-run');
    expect(sandbox.calls()).toEqual([]);
  });

  it('rejects an unknown option with a message, non-zero, and runs nothing', () => {
    const run = sandbox.run(script, ['--no-such-option']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--no-such-option');
    expect(sandbox.calls()).toEqual([]);
  });
});
