import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from '../src/stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const subjectOf = (crt: string) =>
  spawnSync('openssl', ['x509', '-in', crt, '-noout', '-subject'], { encoding: 'utf8' }).stdout.trim();

describe('a stack with --mtls', () => {
  let dir: string;
  let stack: Stack | undefined;

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'iot-mesh-mtls-certs-'))));
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its certificates in the directory named for them, not beside the data directory', async () => {
    // A user's own CA certificate, without its key, in the folder next to the data directory.
    const home = join(dir, 'home');
    mkdirSync(join(home, 'certs'), { recursive: true });
    const userCa = join(home, 'certs', 'ca.crt');
    const made = spawnSync('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=ACME corporate root'],
      ...['-keyout', join(dir, 'acme.key'), '-out', userCa],
    ]);
    expect(made.status).toBe(0);
    const before = readFileSync(userCa, 'utf8');
    const certsDir = join(dir, 'stack-certs');

    stack = await startStack(
      ROOT,
      {
        dataDir: join(home, 'iot-data'),
        storage: 'sqlite',
        mtls: true,
        certsDir,
        logLevel: 'warn',
        quiet: true,
        operatorToken: 'x'.repeat(16),
      },
      'free',
    );

    expect(readFileSync(userCa, 'utf8')).toBe(before);
    expect(stack.tls).toMatchObject({ mode: 'mtls', caFile: join(certsDir, 'ca.crt') });
    expect(subjectOf(join(certsDir, 'ca.crt'))).toBe('subject=CN = iot-mesh development CA');
    expect(subjectOf(join(certsDir, 'edge-gateway.crt'))).toBe('subject=CN = edge-gateway');
  }, 120_000);
});
