import { randomBytes } from 'node:crypto';
import {
  eventually,
  scrapeSamples,
  startOtlpCollector,
  type ServiceProcess,
} from '@iot-mesh/platform/testing';
import {
  GetDeviceResponse,
  VerifyDeviceKeyResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { IngestBatchResponse } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, OPERATOR_TOKEN, startGateway } from './gateway-process.js';

const REQUESTS = 'http_server_request_duration_seconds_count';
// Longer than the clients wait, shorter than the gateway's deadline: the answer comes after they left.
const DOWNSTREAM_MS = 1_500;
const CLIENT_WAITS_MS = 300;
const slowly =
  <T>(answer: T) =>
  () =>
    new Promise<T>((resolve) => setTimeout(() => resolve(answer), DOWNSTREAM_MS));
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('REST requests their clients abandon, and health checks', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  const url = (path: string) => `http://127.0.0.1:${gateway.ports['HTTP_PORT']}${path}`;
  /** The REST request counts of one route, by status code. */
  const countsOf = async (route: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await scrapeSamples(gateway.adminUrl, REQUESTS))
        .filter(({ labels }) => labels.includes(`route="${route}"`))
        .map(({ labels, value }) => [/status_code="(\d+)"/.exec(labels)?.[1] ?? '', value] as const),
    );
  /** A request whose client gives up before the answer; its outcome as the client saw it. */
  const abandoned = (path: string, init: RequestInit) =>
    fetch(url(path), { ...init, signal: AbortSignal.timeout(CLIENT_WAITS_MS) }).then(
      (response) => response.status,
      (error: Error) => error.name,
    );

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () =>
      VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1' }),
    );
    stubs.answer('GetDevice', slowly(GetDeviceResponse.fromJSON({ device: { id: 'device-1' } })));
    stubs.answer('IngestBatch', slowly(IngestBatchResponse.fromJSON({ result: { acceptedCount: 1 } })));
    gateway = await startGateway({
      ...stubs.env,
      ...collector.exporterEnv,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
    await collector?.close();
  });

  it('counts a request whose client left before the answer once, as 499, and ends its span so', async () => {
    const traceIds = [hex(16), hex(16)];
    const outcomes = await Promise.all([
      // A GET, and a POST whose body had arrived (Fastify's onRequestAbort never fires for that one).
      abandoned('/api/v1/devices/device-1', {
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, traceparent: `00-${traceIds[0]}-${hex(8)}-01` },
      }),
      abandoned('/api/v1/readings', {
        method: 'POST',
        headers: {
          'x-api-key': DEVICE_KEY,
          'content-type': 'application/json',
          traceparent: `00-${traceIds[1]}-${hex(8)}-01`,
        },
        body: JSON.stringify({
          readingId: 'r1',
          sensorType: 'SENSOR_TYPE_TEMPERATURE',
          value: 20,
          unit: 'celsius',
          timestamp: new Date().toISOString(),
        }),
      }),
    ]);
    expect(outcomes).toEqual(['TimeoutError', 'TimeoutError']);

    await eventually(
      async () => ((await countsOf('/api/v1/readings'))['499'] === 1 ? true : undefined),
      'the abandoned reading counted',
      5_000,
    );
    // Once the downstream answered, after the clients left, nothing more is counted.
    await new Promise((resolve) => setTimeout(resolve, DOWNSTREAM_MS + 500));
    expect([await countsOf('/api/v1/devices/:id'), await countsOf('/api/v1/readings')]).toEqual([
      { 499: 1 },
      { 499: 1 },
    ]);

    const spans = await Promise.all(traceIds.map((traceId) => collector.spansOf(traceId, 2)));
    expect(
      spans.map((trace) =>
        trace
          .filter((span) => !span.name.startsWith('grpc.'))
          .map((span) => [span.name, span.attributes['http.response.status_code']]),
      ),
    ).toEqual([[['GET /api/v1/devices/:id', 499]], [['POST /api/v1/readings', 499]]]);
  });

  it('neither times nor traces /health and /status', async () => {
    const traceId = hex(16);
    const traced = { traceparent: `00-${traceId}-${hex(8)}-01` };
    expect((await fetch(url('/health'), { headers: traced })).status).toBe(200);
    // 503 here: the stub server serves no health checks, so every downstream is UNREACHABLE.
    expect((await fetch(url('/status'), { headers: traced })).status).toBe(503);
    // An API request after them, to know when the earlier ones would have been counted and exported.
    expect(
      (
        await fetch(url('/api/v1/nothing-here'), {
          headers: { ...traced, authorization: `Bearer ${OPERATOR_TOKEN}` },
        })
      ).status,
    ).toBe(404);
    const [unrouted] = await collector.spansOf(traceId, 1);
    expect(unrouted?.attributes['http.response.status_code']).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(collector.spans.filter((span) => span.traceId === traceId).map((span) => span.name)).toEqual([
      'GET',
    ]);
    const routes = (await scrapeSamples(gateway.adminUrl, REQUESTS)).map(
      ({ labels }) => /route="([^"]*)"/.exec(labels)?.[1],
    );
    expect(routes).not.toContain('/health');
    expect(routes).not.toContain('/status');
  });
});
