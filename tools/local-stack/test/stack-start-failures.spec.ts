import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PORT_IN_USE_EXIT_CODE } from '@iot-mesh/platform';
import { freePort, ServiceStartError, spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { startStack, type Stack } from '../src/stack.js';
import type { StackOptions } from '../src/stack-options.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('a stack that cannot start', () => {
  let dir: string;
  let stack: Stack | undefined;
  let other: ServiceProcess | undefined;
  const options = (name: string, mtls = false): StackOptions => ({
    dataDir: join(dir, name, 'data'),
    storage: 'sqlite',
    mtls,
    certsDir: join(dir, name, 'certs'),
    logLevel: 'warn',
    quiet: true,
    operatorToken: 'x'.repeat(16),
  });

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'iot-mesh-start-failures-'))));
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await other?.stop();
    other = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Which process holds a port only Linux's /proc tells (see port-owner.ts).
  const onLinux = existsSync('/proc/net/tcp') ? it : it.skip;

  onLinux('does not take another process’s service on its port for its own', async () => {
    // Another stack's notification service already serves on the port this stack gives its own.
    mkdirSync(join(dir, 'other'));
    other = await spawnService({
      entry: join(ROOT, 'services/notification/dist/main.js'),
      env: { DATA_DIR: join(dir, 'other'), STORAGE: 'sqlite', TLS_MODE: 'plaintext' },
    });
    const taken = other.ports['GRPC_PORT'];
    const pick = async (service: string, variable: string) =>
      service === 'notification' && variable === 'GRPC_PORT' ? taken : await freePort();

    const failure = await startStack(ROOT, options('second'), pick).then(
      (started) => (stack = started),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect(failure).toMatchObject({ exitCode: PORT_IN_USE_EXIT_CODE });
    expect((failure as Error).message).toContain(`GRPC_PORT ${taken}`);
  });

  it('shows what gen-certs.sh said when it fails', async () => {
    // A file is in the way of the certificates' directory.
    mkdirSync(join(dir, 'blocked'));
    writeFileSync(join(dir, 'blocked', 'certs'), '');
    const failure = await startStack(ROOT, options('blocked', true), 'free').then(
      (started) => (stack = started),
      (error: unknown) => error,
    );
    expect((failure as Error).message).toMatch(/^setup-scripts\/gen-certs\.sh failed \(exit code 1\):\n/);
    expect((failure as Error).message).toContain(join(dir, 'blocked', 'certs'));
    expect((failure as Error).message).toContain('mkdir');
  });
});
