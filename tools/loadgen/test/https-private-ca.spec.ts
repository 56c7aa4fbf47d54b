// A gateway behind HTTPS with a private CA, as a staging cluster's ingress serves it: --tls-ca (and the
// client certificate of mTLS) apply to every HTTPS request, registration and REST readings alike.
import { fleetDeviceIds } from '../src/fleet.js';
import type { LoadReport } from '../src/report.js';
import { runCliProcess } from './cli-process.js';
import { activeLoadgenKeys } from './fleet-counts.js';
import { makePrivateCa, type PrivateCa } from './private-ca.js';
import { startTlsFront } from './tls-front.js';
import { OPERATOR_TOKEN, startTestStack, type TestStack } from './test-stack.js';

const DEVICES = 3;

describe('the load generator against HTTPS signed by a private CA', () => {
  let t: TestStack;
  let ca: PrivateCa;
  const fronts: { address: string; close(): Promise<void> }[] = [];
  let https: string;
  let mtls: string;
  let grpcs: string;

  beforeAll(async () => {
    ca = makePrivateCa();
    t = await startTestStack();
    const front = async (target: string, alpn: 'http/1.1' | 'h2', requireClientCert = false) => {
      const started = await startTlsFront(target, ca, { alpn, requireClientCert });
      fronts.push(started);
      return started.address;
    };
    const http = new URL(t.httpBaseUrl).host;
    https = `https://${await front(http, 'http/1.1')}`;
    mtls = `https://${await front(http, 'http/1.1', true)}`;
    grpcs = await front(t.grpcTarget, 'h2');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(fronts.map((f) => f.close()));
    await t?.close();
    ca?.remove();
  });

  /** One short run of the built CLI as a process; its exit code and JSON. */
  async function cli(prefix: string, flags: string[]) {
    const exit = await runCliProcess(
      [
        ...flags,
        `--devices=${DEVICES}`,
        '--rate=60',
        '--batch=5',
        '--duration=1',
        `--device-prefix=${prefix}`,
        '--json',
      ],
      { OPERATOR_TOKEN },
    );
    return {
      ...exit,
      json: JSON.parse(exit.stdout) as LoadReport & { error?: { message: string; problems?: string[] } },
    };
  }

  /** Everything sent was accepted, and the run's keys are revoked (counted over plain HTTP). */
  async function expectAllAccepted(report: LoadReport, prefix: string) {
    expect(report.sentReadings).toBeGreaterThan(0);
    expect(report.accepted).toBe(report.sentReadings);
    expect(report.errorsByCode).toEqual({});
    expect(await activeLoadgenKeys(t.httpBaseUrl, fleetDeviceIds(prefix, DEVICES))).toBe(0);
  }

  it('publishes over REST with --tls-ca: registration, readings and clean-up all over HTTPS', async () => {
    const { code, json, stderr } = await cli('tls-rest', [
      '--protocol=rest',
      `--http=${https}`,
      `--tls-ca=${ca.caFile}`,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('failed') as string });
    expect(json.target).toBe(`${https}/api/v1/readings/batch`);
    await expectAllAccepted(json, 'tls-rest');
  });

  it('publishes over gRPC with TLS and registers over HTTPS, both trusting the same --tls-ca', async () => {
    const { code, json } = await cli('tls-grpc', [
      `--target=${grpcs}`,
      `--http=${https}`,
      `--tls-ca=${ca.caFile}`,
    ]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ protocol: 'grpc', target: grpcs });
    await expectAllAccepted(json, 'tls-grpc');
  });

  it('presents the client certificate of --tls-cert and --tls-key to an HTTPS front that requires one', async () => {
    const { code, json } = await cli('tls-mtls', [
      '--protocol=rest',
      `--http=${mtls}`,
      `--tls-ca=${ca.caFile}`,
      `--tls-cert=${ca.clientCertFile}`,
      `--tls-key=${ca.clientKeyFile}`,
    ]);
    expect(code).toBe(0);
    await expectAllAccepted(json, 'tls-mtls');
  });

  it('does not trust the private CA without --tls-ca: registration fails, naming the certificate', async () => {
    const { code, json } = await cli('tls-untrusted', ['--protocol=rest', `--http=${https}`]);
    expect(code).toBe(1);
    expect(json.error?.message).toMatch(/^registering device tls-untrusted-0000\d failed: .*certificate/);
  });

  it('refuses TLS settings over REST to a plain http:// URL, where they would do nothing', async () => {
    const { code, json } = await cli('tls-plain', [
      '--protocol=rest',
      `--http=${t.httpBaseUrl}`,
      `--tls-ca=${ca.caFile}`,
    ]);
    expect(code).toBe(2);
    expect(json.error?.problems).toEqual(['--tls-*: TLS settings over REST need an https:// HTTP base URL']);
  });
});
