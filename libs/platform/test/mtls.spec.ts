import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { probeHealth } from '../src/client/health-check.js';
import type { TlsSettings } from '../src/grpc/tls-settings.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { echoError, fixtureClient } from './fixture-client.js';

const GEN_CERTS = fileURLToPath(new URL('../../../setup-scripts/gen-certs.sh', import.meta.url));
const hello = { message: 'hello', delayMs: 0, failCode: 0, failTimes: 0, key: 'tls', relay: false };

describe('TLS and mutual TLS between services', () => {
  let dir: string;
  let trusted: string;
  let foreign: string;
  let fixture: ServiceProcess;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-certs-'));
    trusted = join(dir, 'trusted');
    foreign = join(dir, 'foreign');
    execFileSync('bash', [GEN_CERTS, '--out', trusted, 'fixture', 'caller'], { stdio: 'ignore' });
    execFileSync('bash', [GEN_CERTS, '--out', foreign, '--ca-name', 'someone else', 'caller'], {
      stdio: 'ignore',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await fixture?.stop('SIGKILL');
  });

  const identity = (certDir: string, name: string): TlsSettings => ({
    mode: 'mtls',
    caFile: join(trusted, 'ca.crt'),
    certFile: join(certDir, `${name}.crt`),
    keyFile: join(certDir, `${name}.key`),
  });
  const startMtlsFixture = () =>
    startFixture({
      env: {
        TLS_MODE: 'mtls',
        TLS_CA_FILE: join(trusted, 'ca.crt'),
        TLS_CERT_FILE: join(trusted, 'fixture.crt'),
        TLS_KEY_FILE: join(trusted, 'fixture.key'),
      },
    });

  it('accepts a client whose certificate the CA signed', async () => {
    fixture = await startMtlsFixture();
    const client = fixtureClient(fixture.grpcAddress, { tls: identity(trusted, 'caller') });
    await expect(firstValueFrom(client.service.echo(hello))).resolves.toMatchObject({ message: 'hello' });
    client.close();
  });

  it('refuses a client without a certificate', async () => {
    fixture = await startMtlsFixture();
    const client = fixtureClient(fixture.grpcAddress, {
      tls: { mode: 'tls', caFile: join(trusted, 'ca.crt') },
    });
    expect((await echoError(client, hello)).code).toBe(status.UNAVAILABLE);
    client.close();
  });

  it('refuses a client whose certificate another CA signed', async () => {
    fixture = await startMtlsFixture();
    const client = fixtureClient(fixture.grpcAddress, { tls: identity(foreign, 'caller') });
    expect((await echoError(client, hello)).code).toBe(status.UNAVAILABLE);
    client.close();
  });

  it('refuses a plaintext client', async () => {
    fixture = await startMtlsFixture();
    const client = fixtureClient(fixture.grpcAddress, { deadlineMs: 2_000 });
    expect((await echoError(client, hello)).code).toBe(status.UNAVAILABLE);
    client.close();
  });

  it('says why a health check could not reach a server whose certificate the client does not trust', async () => {
    fixture = await startMtlsFixture();
    const foreignClient = { ...identity(foreign, 'caller'), caFile: join(foreign, 'ca.crt') };
    expect(await probeHealth(fixture.grpcAddress, identity(trusted, 'caller'))).toEqual({ state: 'SERVING' });
    expect(await probeHealth(fixture.grpcAddress, foreignClient)).toEqual({
      state: 'UNREACHABLE',
      error: expect.stringMatching(
        /^14 UNAVAILABLE: .*self-signed certificate in certificate chain$/,
      ) as string,
    });
  });

  it('serves one-way TLS to clients that trust the CA', async () => {
    fixture = await startFixture({
      env: {
        TLS_MODE: 'tls',
        TLS_CERT_FILE: join(trusted, 'fixture.crt'),
        TLS_KEY_FILE: join(trusted, 'fixture.key'),
      },
    });
    const client = fixtureClient(fixture.grpcAddress, {
      tls: { mode: 'tls', caFile: join(trusted, 'ca.crt') },
    });
    await expect(firstValueFrom(client.service.echo(hello))).resolves.toMatchObject({ message: 'hello' });
    client.close();
  });
});
