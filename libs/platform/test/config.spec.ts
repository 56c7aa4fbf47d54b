import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';

const GEN_CERTS = fileURLToPath(new URL('../../../setup-scripts/gen-certs.sh', import.meta.url));

describe('configuration validated at startup', () => {
  it.each([
    [{ GRPC_PORT: 'abc' }, 'GRPC_PORT'],
    [{ ADMIN_PORT: '70000' }, 'ADMIN_PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TLS_MODE: 'mtls' }, 'TLS_CA_FILE: required when TLS_MODE=mtls'],
    [
      { TLS_MODE: 'tls', TLS_CERT_FILE: '/nonexistent.crt', TLS_KEY_FILE: '/nonexistent.key' },
      'TLS_CERT_FILE: file does not exist',
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ PARENT_LIFELINE_FD: '900' }, 'PARENT_LIFELINE_FD: must be a pipe this process inherited open'],
    [{ PARENT_LIFELINE_FD: '1' }, 'PARENT_LIFELINE_FD'],
    // Node would run the shutdown timer after 1 ms: every shutdown would give up at once.
    [{ SHUTDOWN_TIMEOUT_MS: '3000000000' }, 'SHUTDOWN_TIMEOUT_MS: must be at most 2147483647'],
  ])('stops with exit code 78 and names the variable for %j', async (env, expected) => {
    const fixture = await startFixture({ env, noWait: true });
    const { code } = await fixture.exited;
    expect(code).toBe(78);
    expect(fixture.stderr()).toContain('invalid configuration');
    expect(fixture.stderr()).toContain(expected);
    expect(fixture.logs.some((l) => l.msg === 'serving')).toBe(false);
  });
});

describe('TLS files validated at startup', () => {
  let dir: string;
  let fixture: ServiceProcess | undefined;
  const trusted = (file: string) => join(dir, 'trusted', file);
  const quietly = { stdio: 'ignore' } as const;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-config-certs-'));
    execFileSync('bash', [GEN_CERTS, '--out', join(dir, 'trusted'), 'fixture'], quietly);
    execFileSync(
      'bash',
      [GEN_CERTS, '--out', join(dir, 'foreign'), '--ca-name', 'someone else', 'fixture'],
      quietly,
    );
    // The trusted CA's certificate for the fixture's key, valid until the day before it was issued.
    const csr = join(dir, 'fixture.csr');
    execFileSync(
      'openssl',
      ['req', '-new', '-key', trusted('fixture.key'), '-subj', '/CN=fixture', '-out', csr],
      quietly,
    );
    const signing = ['-CA', trusted('ca.crt'), '-CAkey', trusted('ca.key'), '-out', join(dir, 'expired.crt')];
    execFileSync('openssl', ['x509', '-req', '-days', '-1', '-in', csr, ...signing], quietly);
  });
  // A service that accepted the files would serve until stopped.
  afterEach(async () => {
    await fixture?.stop('SIGKILL');
    fixture = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'an expired certificate',
      'expired.crt',
      'trusted/fixture.key',
      /TLS_CERT_FILE: certificate expired on \d{4}-\d\d-\d\d/,
    ],
    [
      'a certificate another CA issued',
      'foreign/fixture.crt',
      'foreign/fixture.key',
      /TLS_CERT_FILE: certificate .* was not issued by TLS_CA_FILE/,
    ],
  ])('stops with exit code 78 on %s, naming the file and the problem', async (_, cert, key, expected) => {
    const certFile = join(dir, cert);
    fixture = await startFixture({
      env: {
        TLS_MODE: 'mtls',
        TLS_CA_FILE: trusted('ca.crt'),
        TLS_CERT_FILE: certFile,
        TLS_KEY_FILE: join(dir, key),
      },
      noWait: true,
    });
    const { code } = await fixture.exited;
    expect(code).toBe(78);
    expect(fixture.stderr()).toMatch(expected);
    expect(fixture.stderr()).toContain(certFile);
    expect(fixture.logs.some((l) => l.msg === 'serving')).toBe(false);
  });
});
