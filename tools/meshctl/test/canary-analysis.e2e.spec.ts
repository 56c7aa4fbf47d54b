import { status as GrpcStatus } from '@grpc/grpc-js';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { startFixture, type ServiceProcess } from '@iot-mesh/platform/testing';
import { FixtureDefinition, type FixtureClient } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
import { firstValueFrom } from 'rxjs';
import { FakeClock } from '../src/auto/clock.js';
import { DryRunCluster } from '../src/cluster/dry-run-cluster.js';
import { runMeshctl } from '../src/cli/run.js';
import { eventually, startPrometheus, type PrometheusProcess } from './prometheus-process.js';

// Three real gRPC services (the platform's fixture) and a real Prometheus. One stable instance is the
// baseline of two releases: Prometheus scrapes it under two jobs whose target labels name the service
// (device-registry, alert-manager), the track and the version, as the Kubernetes relabelling does from pod
// labels.
// device-registry gets a healthy canary; alert-manager's canary answers UNAVAILABLE to 1 call in 4.
const FAIL_EVERY = 4;
const STABLE = { track: 'stable', version: 'v1' };
const CANARY = { track: 'canary', version: 'v2' };

describe('canary analysis against a real Prometheus', () => {
  const fixtures: ServiceProcess[] = [];
  const clients: GrpcClient<FixtureClient>[] = [];
  let prometheus: PrometheusProcess | undefined;

  afterAll(async () => {
    for (const client of clients) client.close();
    await prometheus?.stop();
    await Promise.all(fixtures.map((fixture) => fixture.stop('SIGKILL')));
  });

  const run = async (argv: string[], cluster?: DryRunCluster) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runMeshctl(argv, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: {},
      clock: new FakeClock(Date.UTC(2026, 0, 1)),
      ...(cluster ? { cluster } : {}),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const analysisFlags = () => [
    ...['--metrics', 'app', '--prometheus', prometheus?.url ?? '', '--window', '30s'],
    ...['--min-requests', '20', '--min-success-rate', '95', '--max-p99-ms', '1000'],
  ];

  beforeAll(async () => {
    // Each started fixture is kept at once, so afterAll stops it even when another fails to start.
    const start = () => startFixture({ env: { LOG_LEVEL: 'info' } }).then((f) => (fixtures.push(f), f));
    const [stable, goodCanary, badCanary] = await Promise.all([start(), start(), start()]);
    if (!stable || !goodCanary || !badCanary) throw new Error('fixtures did not start');
    const admin = (f: ServiceProcess) => f.adminUrl.replace('http://', '');
    prometheus = await startPrometheus([
      { job: 'dr-stable', address: admin(stable), labels: { service: 'device-registry', ...STABLE } },
      { job: 'dr-canary', address: admin(goodCanary), labels: { service: 'device-registry', ...CANARY } },
      { job: 'am-stable', address: admin(stable), labels: { service: 'alert-manager', ...STABLE } },
      { job: 'am-canary', address: admin(badCanary), labels: { service: 'alert-manager', ...CANARY } },
    ]);
    for (const fixture of [stable, goodCanary, badCanary]) {
      clients.push(
        createGrpcClient<FixtureClient>(FixtureDefinition, {
          address: fixture.grpcAddress,
          tls: { mode: 'plaintext' },
          deadlineMs: 5_000,
        }),
      );
    }
    let call = 0;
    const echo = (client: GrpcClient<FixtureClient> | undefined, failing: boolean) => {
      const failCode = failing && ++call % FAIL_EVERY === 0 ? GrpcStatus.UNAVAILABLE : 0;
      const request = { message: 'm', delayMs: 0, failCode, failTimes: 0, key: `k${call}`, relay: false };
      return firstValueFrom(client!.service.echo(request)).catch(() => undefined);
    };
    // Load while Prometheus scrapes, until every track shows enough calls in the analysis window.
    await eventually(async () => {
      for (let i = 0; i < 10; i++) {
        await Promise.all([echo(clients[0], false), echo(clients[1], false), echo(clients[2], true)]);
      }
      const counts = await prometheus!.query(
        'sum by (service, track) (increase(grpc_server_handled_total{grpc_method="Echo"}[30s]))',
      );
      return counts.length === 4 && counts.every((s) => s.value >= 60) ? true : JSON.stringify(counts);
    }, 40_000);
  });

  it('passes the healthy canary', async () => {
    const result = await run([
      'canary',
      'analyze',
      'device-registry',
      ...analysisFlags(),
      '--canary-tag',
      'v2',
      '--dry-run',
      '--json',
    ]);
    const analysis = JSON.parse(result.out.slice(result.out.indexOf('{\n'))) as {
      verdict: string;
      canary: { successRate: number };
    };
    expect([analysis.verdict, result.code]).toEqual(['pass', 0]);
    expect(analysis.canary.successRate).toBe(1);
  });

  it('fails the canary that returns UNAVAILABLE on a fraction of calls', async () => {
    const result = await run([
      ...['canary', 'analyze', 'alert-manager', ...analysisFlags()],
      ...['--canary-tag', 'v2', '--dry-run'],
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/verdict: FAIL/);
    expect(result.out).toMatch(/canary success rate 7\d\.\d\d% is below 95\.00%/);
  });

  it('canary auto promotes the healthy canary and rolls back the bad one', async () => {
    const autoFlags = ['--steps', '25,50', '--interval', '10s', '--deadline', '1m', ...analysisFlags()];
    const outcomes = [];
    for (const service of ['device-registry', 'alert-manager']) {
      const cluster = new DryRunCluster();
      await run(['deploy', service, '--tag', 'v1'], cluster);
      const result = await run(['canary', 'auto', service, '--canary-tag', 'v2', ...autoFlags], cluster);
      const status = await run(['status', service, '--json'], cluster);
      const [row] = JSON.parse(status.out) as { values: { stableTag: string; canaryEnabled: boolean } }[];
      outcomes.push([
        service,
        result.code,
        result.out.split('\n').at(-1),
        row?.values.stableTag,
        row?.values.canaryEnabled,
      ]);
    }
    expect(outcomes).toEqual([
      ['device-registry', 0, 'result: promoted', 'v2', false],
      ['alert-manager', 1, 'result: rolled-back', 'v1', false],
    ]);
  });
});
