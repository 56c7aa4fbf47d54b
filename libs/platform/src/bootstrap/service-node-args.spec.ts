import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  localServiceNodeArgs,
  READINGS_PATH_HEAP_ARGS,
  SERVICE_GC_ARGS,
  SERVICE_HEAP_ARGS,
  serviceNodeArgs,
  serviceV8Args,
} from './service-node-args.js';

// What the preload registered: the OpenTelemetry API keeps its globals under this symbol.
const REPORT_TRACING = `console.log(Object.keys(globalThis[Symbol.for('opentelemetry.js.api.1')] ?? {}).join())`;

// A service started from another directory, as `node /path/to/tools/local-stack/dist/main.js` would.
const startFromTmp = (args: readonly string[]) =>
  spawnSync(process.execPath, [...args, '-e', REPORT_TRACING], { cwd: tmpdir(), encoding: 'utf8' });

describe('service Node arguments', () => {
  it('load the tracing preload whatever the working directory', () => {
    expect(startFromTmp(serviceNodeArgs('device-registry')).stderr).toContain('ERR_MODULE_NOT_FOUND');
    const local = startFromTmp(localServiceNodeArgs('device-registry'));
    expect(local.stderr).toBe('');
    expect(local.status).toBe(0);
    // The provider, the context manager and the propagators are in place before the entry file runs.
    expect(local.stdout.trim().split(',')).toEqual(
      expect.arrayContaining(['trace', 'context', 'propagation']),
    );
  });

  it('leave the tracing preload out when tracing is off, with the same V8 settings and lean startup', () => {
    expect(localServiceNodeArgs('alert-manager', false)).toEqual([
      ...serviceV8Args('alert-manager'),
      '--import',
      expect.stringMatching(/^file:.*\/dist\/bootstrap\/lean-startup\.preload\.js$/),
    ]);
  });

  it("give the services on the readings' path their smaller heaps and the other services the shared one", () => {
    for (const service of ['edge-gateway', 'sensor-ingestion', 'data-processor', 'alert-manager'])
      expect(serviceV8Args(service).slice(0, READINGS_PATH_HEAP_ARGS.length)).toEqual(
        READINGS_PATH_HEAP_ARGS,
      );
    expect(localServiceNodeArgs('alert-manager')).toEqual(
      expect.arrayContaining([...READINGS_PATH_HEAP_ARGS]),
    );
    for (const service of ['notification', 'device-registry'])
      expect(serviceV8Args(service).slice(0, SERVICE_HEAP_ARGS.length)).toEqual(SERVICE_HEAP_ARGS);
    // Every service, whatever its heap, starts without allocation-site pretenuring.
    for (const service of ['edge-gateway', 'data-processor', 'notification'])
      expect(serviceV8Args(service)).toEqual(expect.arrayContaining(['--no-allocation-site-pretenuring']));
    // Every set is settings this Node accepts: a misspelt V8 flag stops the process at start.
    for (const args of [READINGS_PATH_HEAP_ARGS, SERVICE_HEAP_ARGS, SERVICE_GC_ARGS]) {
      const run = spawnSync(process.execPath, [...args, '-e', 'console.log("started")'], {
        encoding: 'utf8',
      });
      expect([run.status, run.stderr, run.stdout]).toEqual([0, '', 'started\n']);
    }
    expect(spawnSync(process.execPath, ['--heap-growing-percnt=30', '-e', '0']).status).not.toBe(0);
  });

  it('are printed for the container image by the built print-service-node-args script', () => {
    const script = fileURLToPath(new URL('../../dist/bootstrap/print-service-node-args.js', import.meta.url));
    for (const service of ['edge-gateway', 'data-processor']) {
      const run = spawnSync(process.execPath, [script, service], { encoding: 'utf8' });
      expect(run.stdout.trim()).toBe(serviceNodeArgs(service).join(' '));
    }
    const missing = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('usage: print-service-node-args');
  });
});
