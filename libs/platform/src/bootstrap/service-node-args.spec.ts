import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { localServiceNodeArgs, SERVICE_HEAP_ARGS, SERVICE_NODE_ARGS } from './service-node-args.js';

// A service started from another directory, as `node /path/to/tools/local-stack/dist/main.js` would.
const startFromTmp = (args: readonly string[]) =>
  spawnSync(process.execPath, [...args, '-e', 'process.exit(0)'], { cwd: tmpdir(), encoding: 'utf8' });

describe('service Node arguments', () => {
  it('load the tracing preload whatever the working directory', () => {
    expect(startFromTmp(SERVICE_NODE_ARGS).stderr).toContain('ERR_MODULE_NOT_FOUND');
    const local = startFromTmp(localServiceNodeArgs());
    expect(local.stderr).toBe('');
    expect(local.status).toBe(0);
  });

  it('leave the preload out when tracing is off, with the same heap settings', () => {
    expect(localServiceNodeArgs(false)).toEqual(SERVICE_HEAP_ARGS);
  });
});
