import { randomBytes } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { fixtureClient } from './fixture-client.js';
import { startOtlpCollector } from '../src/testing/otlp-collector.js';

const SERVER = 2;
const CLIENT = 3;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const UNSET = 0;
const ERROR = 2;
const echo = (relay: boolean, failCode = 0) => ({
  message: 'traced',
  delayMs: 0,
  failCode,
  failTimes: 0,
  key: hex(4),
  relay,
});

describe('distributed tracing', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  const otel = () => collector.exporterEnv;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    b = await startFixture({ env: { ...otel(), SERVICE_NAME: 'fixture-b' } });
    a = await startFixture({
      env: { ...otel(), SERVICE_NAME: 'fixture-a', FIXTURE_RELAY_ADDRESS: b.grpcAddress },
    });
  });
  afterAll(async () => {
    await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
    await collector.close();
  });

  it('joins the caller, both services and the hop between them in one W3C trace', async () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${callerSpanId}-01`);
    const client = fixtureClient(a.grpcAddress);
    await expect(firstValueFrom(client.service.echo(echo(true), metadata))).resolves.toMatchObject({
      message: 'relayed:traced',
    });
    client.close();

    const spans = await collector.spansOf(traceId, 3);
    const aServer = spans.find((s) => s.service === 'fixture-a' && s.kind === SERVER);
    const aClient = spans.find((s) => s.service === 'fixture-a' && s.kind === CLIENT);
    const bServer = spans.find((s) => s.service === 'fixture-b' && s.kind === SERVER);
    const rpc = { 'rpc.system': 'grpc', 'rpc.service': 'iotmesh.testing.v1.Fixture', 'rpc.method': 'Echo' };
    expect(aServer).toMatchObject({
      parentSpanId: callerSpanId,
      name: 'grpc.iotmesh.testing.v1.Fixture/Echo',
      statusCode: UNSET,
      attributes: { ...rpc, 'rpc.grpc.status_code': GrpcStatus.OK },
    });
    expect(aClient).toMatchObject({ parentSpanId: aServer?.spanId, attributes: rpc });
    expect(bServer?.parentSpanId).toBe(aClient?.spanId);

    const logLine = await a.waitForLog((l) => l.msg === 'echo' && l['trace_id'] === traceId);
    expect(logLine['span_id']).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['a server fault (INTERNAL) is an error', 99, GrpcStatus.INTERNAL, ERROR],
    [
      "the caller's mistake (INVALID_ARGUMENT) is not the server's error",
      3,
      GrpcStatus.INVALID_ARGUMENT,
      UNSET,
    ],
  ])('records the status a call ended with: %s', async (_case, failCode, code, statusCode) => {
    const traceId = hex(16);
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${hex(8)}-01`);
    const client = fixtureClient(b.grpcAddress);
    await expect(firstValueFrom(client.service.echo(echo(false, failCode), metadata))).rejects.toMatchObject({
      code,
    });
    client.close();

    const [server] = await collector.spansOf(traceId, 1);
    expect(server).toMatchObject({ kind: SERVER, statusCode, attributes: { 'rpc.grpc.status_code': code } });
  });

  it('marks an outgoing call that failed as an error on the client span', async () => {
    const traceId = hex(16);
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${hex(8)}-01`);
    const unreachable = await startFixture({
      env: { SERVICE_NAME: 'fixture-c', FIXTURE_RELAY_ADDRESS: '127.0.0.1:1', ...otel() },
    });
    const client = fixtureClient(unreachable.grpcAddress);
    await expect(firstValueFrom(client.service.echo(echo(true), metadata))).rejects.toBeDefined();
    client.close();
    const spans = await collector.spansOf(traceId, 2);
    await unreachable.stop('SIGKILL');
    expect(spans.find((s) => s.kind === CLIENT)).toMatchObject({
      service: 'fixture-c',
      statusCode: ERROR,
      attributes: { 'rpc.grpc.status_code': GrpcStatus.UNAVAILABLE },
    });
  });

  it('continues a trace that arrives in B3 headers, as Envoy sends them', async () => {
    const traceId = hex(16);
    const parentId = hex(8);
    const metadata = new Metadata();
    metadata.set('b3', `${traceId}-${parentId}-1`);
    const client = fixtureClient(b.grpcAddress);
    await firstValueFrom(client.service.echo(echo(false), metadata));
    client.close();

    const [server] = await collector.spansOf(traceId, 1);
    expect(server).toMatchObject({ service: 'fixture-b', kind: SERVER, parentSpanId: parentId });
  });

  it('describes its spans with OTEL_RESOURCE_ATTRIBUTES, keeping its own service name', async () => {
    const canary = await startFixture({
      env: {
        ...otel(),
        SERVICE_NAME: 'fixture-canary',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=v2.0.0-canary,deployment.track=canary,service.name=other',
      },
    });
    const traceId = hex(16);
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${hex(8)}-01`);
    const client = fixtureClient(canary.grpcAddress);
    await firstValueFrom(client.service.echo(echo(false), metadata));
    client.close();
    const [server] = await collector.spansOf(traceId, 1);
    await canary.stop('SIGKILL');
    expect(server?.resource).toMatchObject({
      'service.name': 'fixture-canary',
      'service.version': 'v2.0.0-canary',
      'deployment.track': 'canary',
    });
  });
});
