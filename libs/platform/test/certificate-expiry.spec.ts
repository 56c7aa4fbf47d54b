import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { fileURLToPath } from 'node:url';
import { tlsHandshakeFailure } from '../src/client/tls-handshake-failure.js';
import { scrapeSamples } from '../src/testing/admin-metrics.js';
import { eventually } from '../src/testing/eventually.js';
import { startFixture } from '../src/testing/fixture-process.js';
import {
  ServiceStartError,
  spawnService,
  type LogLine,
  type ServiceProcess,
} from '../src/testing/service-process.js';
import { echoError, fixtureClient } from './fixture-client.js';
import { ShortLivedCerts } from './short-lived-certs.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const METRIC = 'tls_certificate_expiry_timestamp_seconds';
const DAY_MS = 86_400_000;

/**
 * A process wired as bootstrapGrpcService wires a service (logger, metrics registry, admin port,
 * watchCertificateExpiry on the TLS settings), from the built platform, with the check interval a
 * test can wait for. Written next to the certificates so that it needs no build of its own.
 */
const ENTRY = `
import { createLogger, createMetricsRegistry, startAdminServer, watchCertificateExpiry } from '${DIST}index.js';
const env = process.env;
const logger = createLogger('cert-probe', 'debug');
const registry = createMetricsRegistry('cert-probe');
const tls = { mode: 'mtls', caFile: env.TLS_CA_FILE, certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE };
watchCertificateExpiry(tls, logger, registry, { intervalMs: Number(env.CHECK_INTERVAL_MS) });
await startAdminServer(registry, Number(env.ADMIN_PORT), '127.0.0.1');
logger.info('serving');
`;

describe("a service's own TLS certificate expiry", () => {
  let dir: string;
  let certs: ShortLivedCerts;
  let entry: string;
  let service: ServiceProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-cert-expiry-'));
    certs = new ShortLivedCerts(dir);
    // In a directory of its own two levels down: spawnService names the service after it.
    entry = join(dir, 'cert-probe', 'dist', 'main.mjs');
    mkdirSync(join(dir, 'cert-probe', 'dist'), { recursive: true });
    writeFileSync(entry, ENTRY);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  const start = (certFile: string, keyFile: string, checkIntervalMs = 200) =>
    spawnService({
      entry,
      tracing: false,
      env: {
        TLS_CA_FILE: certs.caFile,
        TLS_CERT_FILE: certFile,
        TLS_KEY_FILE: keyFile,
        CHECK_INTERVAL_MS: String(checkIntervalMs),
      },
    });
  const certificateLines = (process: ServiceProcess, level: string) =>
    process.logs.filter((line: LogLine) => line.level === level && /TLS/.test(line.msg));
  // A whole second: X.509 times have no fractions.
  const inSeconds = (ms: number) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000);

  it("reports the certificate's notAfter as a gauge from the start, and logs nothing at warn while it is far", async () => {
    const notAfter = inSeconds(30 * DAY_MS);
    const { certFile, keyFile } = certs.issue('far', inSeconds(-DAY_MS), notAfter);
    service = await start(certFile, keyFile);
    expect(await scrapeSamples(service.adminUrl, METRIC)).toEqual([
      { labels: '{file="TLS_CERT_FILE",service="cert-probe"}', value: notAfter.getTime() / 1000 },
      { labels: '{file="TLS_CA_FILE",service="cert-probe"}', value: certs.caNotAfter().getTime() / 1000 },
    ]);
    await sleep(600); // a few checks
    expect(service.logs.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
  });

  it('warns once when the certificate expires within 7 days, saying a restart is needed', async () => {
    const notAfter = inSeconds(3 * DAY_MS);
    const { certFile, keyFile } = certs.issue('near', inSeconds(-DAY_MS), notAfter);
    service = await start(certFile, keyFile);
    const warning = await service.waitForLog((line) => line.level === 'warn', 5_000);
    expect(warning).toMatchObject({ notAfter: notAfter.toISOString(), certFile });
    expect(warning.msg).toMatch(/^TLS certificate expires at .* \(in 72(\.0)? h\); .*restart the service$/);
    await sleep(600);
    expect(certificateLines(service, 'warn')).toHaveLength(1);
    expect(certificateLines(service, 'error')).toEqual([]);
  });

  it('logs an error once when the certificate expires while the service runs', async () => {
    // The service must start while its certificate is still valid (its first check then warns) and see
    // it expire: a few seconds are enough on a quiet machine, the later tries give a loaded one more.
    const startValid = async (validMs: number) => {
      const notAfter = inSeconds(validMs);
      const { certFile, keyFile } = certs.issue(`short-${validMs}`, inSeconds(-DAY_MS), notAfter);
      const started = await start(certFile, keyFile);
      const first = await started.waitForLog((line) => line.level === 'warn' || line.level === 'error');
      if (first.level === 'warn') return { started, notAfter, certFile, validMs };
      await started.stop('SIGKILL');
      return undefined;
    };
    const valid = (await startValid(3_000)) ?? (await startValid(10_000)) ?? (await startValid(30_000));
    if (!valid) throw new Error('the probe never started before its certificate expired');
    const { notAfter, certFile } = valid;
    service = valid.started;
    const expired = await service.waitForLog((line) => line.level === 'error', valid.validMs + 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(notAfter.getTime());
    expect(expired).toMatchObject({ notAfter: notAfter.toISOString(), certFile });
    expect(expired.msg).toMatch(/^TLS certificate expired at .*fail as UNAVAILABLE.*restart the service$/);
    await sleep(1_000); // five more checks
    expect(certificateLines(service, 'error')).toHaveLength(1);
    expect(await scrapeSamples(service.adminUrl, METRIC)).toContainEqual({
      labels: '{file="TLS_CERT_FILE",service="cert-probe"}',
      value: notAfter.getTime() / 1000,
    });
  });

  it('says once that a certificate renewed on disk is used only after a restart, and keeps reporting the one in use', async () => {
    const oldNotAfter = inSeconds(2 * DAY_MS);
    const renewedNotAfter = inSeconds(60 * DAY_MS);
    const old = certs.issue('rotated', inSeconds(-DAY_MS), oldNotAfter);
    const renewed = certs.issue('renewed', inSeconds(-DAY_MS), renewedNotAfter);
    service = await start(old.certFile, old.keyFile);
    await service.waitForLog((line) => line.level === 'warn', 5_000);
    copyFileSync(renewed.certFile, old.certFile);
    copyFileSync(renewed.keyFile, old.keyFile);
    const replaced = await service.waitForLog((line) => /replaced on disk/.test(line.msg), 5_000);
    expect(replaced).toMatchObject({ level: 'warn', onDiskNotAfter: renewedNotAfter.toISOString() });
    expect(replaced.msg).toMatch(/still uses the one it loaded at start .*restart it/);
    await sleep(600);
    expect(service.logs.filter((line) => /replaced on disk/.test(line.msg))).toHaveLength(1);
    expect(await scrapeSamples(service.adminUrl, METRIC)).toContainEqual({
      labels: '{file="TLS_CERT_FILE",service="cert-probe"}',
      value: oldNotAfter.getTime() / 1000,
    });
  });

  it('warns once when the CA certificate expires within 7 days, and reports its notAfter', async () => {
    const shortCa = new ShortLivedCerts(join(dir, 'short-ca'), 3);
    const { certFile, keyFile } = shortCa.issue('leaf', inSeconds(-DAY_MS), inSeconds(2 * DAY_MS));
    service = await spawnService({
      entry,
      tracing: false,
      env: {
        TLS_CA_FILE: shortCa.caFile,
        TLS_CERT_FILE: certFile,
        TLS_KEY_FILE: keyFile,
        CHECK_INTERVAL_MS: '200',
      },
    });
    const caNotAfter = shortCa.caNotAfter();
    const warning = await service.waitForLog((line) => line.level === 'warn' && 'caFile' in line, 5_000);
    expect(warning).toMatchObject({ caFile: shortCa.caFile, notAfter: caNotAfter.toISOString() });
    expect(warning.msg).toMatch(
      /^CA certificate \(TLS_CA_FILE\) expires at .* \(in 7\d(\.\d)? h\); .*reload TLS_CA_FILE.*restart the service$/,
    );
    await sleep(600);
    expect(service.logs.filter((line) => 'caFile' in line && line.level === 'warn')).toHaveLength(1);
    expect(await scrapeSamples(service.adminUrl, METRIC)).toContainEqual({
      labels: '{file="TLS_CA_FILE",service="cert-probe"}',
      value: caNotAfter.getTime() / 1000,
    });
  });

  it('lets a caller tell a server whose certificate expired from one that is down', async () => {
    const caller = certs.issue('caller', inSeconds(-DAY_MS), inSeconds(30 * DAY_MS));
    // The server must start before its certificate expires, and then see it expire: a few seconds are
    // enough on a quiet machine, and the next try gives a loaded one (a CI run) more.
    const serverStart = async (validMs: number) => {
      const notAfter = inSeconds(validMs);
      const { certFile, keyFile } = certs.issue('server', inSeconds(-DAY_MS), notAfter);
      const started = await startFixture({
        env: { TLS_MODE: 'mtls', TLS_CA_FILE: certs.caFile, TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile },
      }).catch((error: unknown) => {
        if (error instanceof ServiceStartError && /certificate expired/.test(error.message)) return undefined;
        throw error;
      });
      return started && { started, notAfter };
    };
    const { started, notAfter: serverNotAfter } =
      (await serverStart(5_000)) ?? (await serverStart(15_000)) ?? (await serverStart(45_000)) ?? {};
    if (!started || !serverNotAfter)
      throw new Error('the fixture never started before its certificate expired');
    service = started;
    const hello = { message: 'hi', delayMs: 0, failCode: 0, failTimes: 0, key: 'tls', relay: false };
    await sleep(Math.max(0, serverNotAfter.getTime() + 500 - Date.now()));
    const client = fixtureClient(service.grpcAddress, {
      tls: { mode: 'mtls', caFile: certs.caFile, ...caller },
      deadlineMs: 3_000,
    });
    const error = await eventually(async () => {
      const failed = await echoError(client, hello);
      return failed.code === status.UNAVAILABLE ? failed : undefined;
    }, 'the handshake to fail');
    client.close();
    expect(tlsHandshakeFailure(error.details)).toBe("the server's TLS certificate has expired");
    expect(tlsHandshakeFailure('No connection established. Last error: Failed to connect')).toBeUndefined();
  });
});
