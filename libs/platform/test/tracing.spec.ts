import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { fixtureClient } from './fixture-client.js';
import { startOtlpCollector, type CollectedSpan } from './otlp-collector.js';

const SERVER = 2;
const CLIENT = 3;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const echo = (relay: boolean) => ({
  message: 'traced',
  delayMs: 0,
  failCode: 0,
  failTimes: 0,
  key: hex(4),
  relay,
});

async function spansOf(spans: CollectedSpan[], traceId: string, count: number): Promise<CollectedSpan[]> {
  for (let i = 0; i < 200; i++) {
    const found = spans.filter((s) => s.traceId === traceId);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return spans.filter((s) => s.traceId === traceId);
}

describe('distributed tracing', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    };
    b = await startFixture({ env: { ...otel, SERVICE_NAME: 'fixture-b' } });
    a = await startFixture({
      env: { ...otel, SERVICE_NAME: 'fixture-a', FIXTURE_RELAY_ADDRESS: b.grpcAddress },
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

    const spans = await spansOf(collector.spans, traceId, 3);
    const aServer = spans.find((s) => s.service === 'fixture-a' && s.kind === SERVER);
    const aClient = spans.find((s) => s.service === 'fixture-a' && s.kind === CLIENT);
    const bServer = spans.find((s) => s.service === 'fixture-b' && s.kind === SERVER);
    expect(aServer).toMatchObject({
      parentSpanId: callerSpanId,
      name: 'grpc.iotmesh.testing.v1.Fixture/Echo',
    });
    expect(aClient).toBeDefined();
    expect(bServer?.parentSpanId).toBe(aClient?.spanId);

    const logLine = await a.waitForLog((l) => l.msg === 'echo' && l['trace_id'] === traceId);
    expect(logLine['span_id']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('continues a trace that arrives in B3 headers, as Envoy sends them', async () => {
    const traceId = hex(16);
    const parentId = hex(8);
    const metadata = new Metadata();
    metadata.set('b3', `${traceId}-${parentId}-1`);
    const client = fixtureClient(b.grpcAddress);
    await firstValueFrom(client.service.echo(echo(false), metadata));
    client.close();

    const [server] = await spansOf(collector.spans, traceId, 1);
    expect(server).toMatchObject({ service: 'fixture-b', kind: SERVER, parentSpanId: parentId });
  });
});
