import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { localServiceNodeArgs, SERVICE_NODE_ARGS, SERVICE_V8_ARGS } from './service-node-args.js';

// What the preload registered: the OpenTelemetry API keeps its globals under this symbol.
const REPORT_TRACING = `console.log(Object.keys(globalThis[Symbol.for('opentelemetry.js.api.1')] ?? {}).join())`;

// A service started from another directory, as `node /path/to/tools/local-stack/dist/main.js` would.
const startFromTmp = (args: readonly string[]) =>
  spawnSync(process.execPath, [...args, '-e', REPORT_TRACING], { cwd: tmpdir(), encoding: 'utf8' });

describe('service Node arguments', () => {
  it('load the tracing preload whatever the working directory', () => {
    expect(startFromTmp(SERVICE_NODE_ARGS).stderr).toContain('ERR_MODULE_NOT_FOUND');
    const local = startFromTmp(localServiceNodeArgs());
    expect(local.stderr).toBe('');
    expect(local.status).toBe(0);
    // The provider, the context manager and the propagators are in place before the entry file runs.
    expect(local.stdout.trim().split(',')).toEqual(
      expect.arrayContaining(['trace', 'context', 'propagation']),
    );
  });

  it('leave the tracing preload out when tracing is off, with the same V8 settings and lean startup', () => {
    expect(localServiceNodeArgs(false)).toEqual([
      ...SERVICE_V8_ARGS,
      '--import',
      expect.stringMatching(/^file:.*\/dist\/bootstrap\/lean-startup\.preload\.js$/),
    ]);
  });
});
