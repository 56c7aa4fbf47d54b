import { firstValueFrom } from 'rxjs';
import { checkHealth } from '../src/client/health-check.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { collect, echoError, fixtureClient, healthClient } from './fixture-client.js';

/** The value of one sample line, e.g. `grpc_server_handled_total{...} 2`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('gRPC server metrics', () => {
  let fixture: ServiceProcess;
  afterAll(async () => {
    await fixture?.stop('SIGKILL');
  });

  it('counts started and handled calls by service, method, type and code, with latency histograms', async () => {
    fixture = await startFixture();
    const client = fixtureClient(fixture.grpcAddress);
    await firstValueFrom(
      client.service.echo({ message: 'a', delayMs: 0, failCode: 0, failTimes: 0, key: 'm1', relay: false }),
    );
    await firstValueFrom(
      client.service.echo({ message: 'b', delayMs: 0, failCode: 0, failTimes: 0, key: 'm2', relay: false }),
    );
    await echoError(client, { message: 'c', delayMs: 0, failCode: 3, failTimes: 0, key: 'm3', relay: false });
    await echoError(client, { message: 'd', delayMs: 0, failCode: 5, failTimes: 0, key: 'm4', relay: false });
    expect(await collect(client.service.countUp({ count: 3, intervalMs: 1 }))).toHaveLength(3);
    client.close();

    const text = await (await fetch(`${fixture.adminUrl}/metrics`)).text();
    const echo = { grpc_service: 'iotmesh.testing.v1.Fixture', grpc_method: 'Echo', grpc_type: 'unary' };
    expect(sample(text, 'grpc_server_started_total', echo)).toBe(4);
    expect(sample(text, 'grpc_server_handled_total', { ...echo, grpc_code: 'OK' })).toBe(2);
    expect(sample(text, 'grpc_server_handled_total', { ...echo, grpc_code: 'InvalidArgument' })).toBe(1);
    expect(sample(text, 'grpc_server_handled_total', { ...echo, grpc_code: 'NotFound' })).toBe(1);
    expect(sample(text, 'grpc_server_handling_seconds_count', echo)).toBe(4);
    expect(sample(text, 'grpc_server_handling_seconds_bucket', { ...echo, le: '+Inf' })).toBe(4);
    const countUp = { grpc_method: 'CountUp', grpc_type: 'server_stream', grpc_code: 'OK' };
    expect(sample(text, 'grpc_server_handled_total', countUp)).toBe(1);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('leaves health checks (Check and Watch) out: they are probes, not traffic', async () => {
    await fixture?.stop('SIGKILL');
    fixture = await startFixture();
    for (let i = 0; i < 3; i++) await expect(checkHealth(fixture.grpcAddress)).resolves.toBe('SERVING');
    const health = healthClient(fixture.grpcAddress);
    const watch = health.watch('');
    await new Promise((resolve) => watch.once('data', resolve));
    watch.on('error', () => undefined);
    watch.cancel();
    health.close();
    const client = fixtureClient(fixture.grpcAddress);
    await firstValueFrom(
      client.service.echo({ message: 'a', delayMs: 0, failCode: 0, failTimes: 0, key: 'h1', relay: false }),
    );
    client.close();

    const text = await (await fetch(`${fixture.adminUrl}/metrics`)).text();
    const grpcLines = text.split('\n').filter((line) => line.startsWith('grpc_server_'));
    expect(grpcLines.filter((line) => line.includes('grpc.health.v1.Health'))).toEqual([]);
    const echo = { grpc_service: 'iotmesh.testing.v1.Fixture', grpc_method: 'Echo' };
    expect(sample(text, 'grpc_server_started_total', echo)).toBe(1);
    expect(sample(text, 'grpc_server_handled_total', { ...echo, grpc_code: 'OK' })).toBe(1);
  });
});
