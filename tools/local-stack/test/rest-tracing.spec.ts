import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startOtlpCollector } from '@iot-mesh/platform/testing';
import { restClient } from './gateway-client.js';
import { OPERATOR_TOKEN, startTestStack, type TestStack } from './test-stack.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('tracing through the gateway', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let t: TestStack;
  let rest: ReturnType<typeof restClient>;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    t = await startTestStack({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    rest = restClient(t.stack);
  });
  afterAll(async () => {
    await t?.close();
    await collector?.close();
  });

  it('joins a REST request from the sidecar, the gateway, its gRPC call and the registry in one trace', async () => {
    const traceId = hex(16);
    const sidecarSpanId = hex(8);
    const id = `traced-${hex(4)}`;
    const created = await rest('POST', '/api/v1/devices', {
      // B3 single header, as an Envoy sidecar passes it on.
      headers: { b3: `${traceId}-${sidecarSpanId}-1` },
      body: { id, name: id, type: 'SENSOR_TYPE_TEMPERATURE', ownerEmail: 'ops@example.com' },
    });
    expect(created.status).toBe(201);

    const spans = await collector.spansOf(traceId, 3);
    const gateway = spans.find((s) => s.service === 'edge-gateway' && s.kind === SERVER);
    const call = spans.find((s) => s.service === 'edge-gateway' && s.kind === CLIENT);
    const registry = spans.find((s) => s.service === 'device-registry' && s.kind === SERVER);
    expect(gateway).toMatchObject({
      name: 'POST /api/v1/devices',
      parentSpanId: sidecarSpanId,
      attributes: { 'http.route': '/api/v1/devices', 'http.response.status_code': 201 },
    });
    expect(call).toMatchObject({
      name: 'grpc.iotmesh.device.v1.DeviceRegistry/CreateDevice',
      parentSpanId: gateway?.spanId,
    });
    expect(registry?.parentSpanId).toBe(call?.spanId);
  });

  it('keeps the trace when the body arrives after the headers, in a later packet', async () => {
    const traceId = hex(16);
    const id = `slow-body-${hex(4)}`;
    const body = JSON.stringify({
      id,
      name: id,
      type: 'SENSOR_TYPE_TEMPERATURE',
      ownerEmail: 'ops@example.com',
    });
    const gateway = t.stack.services.find((s) => s.name === 'edge-gateway')!;
    const socket = connect(gateway.httpPort!, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      [
        'POST /api/v1/devices HTTP/1.1',
        'host: 127.0.0.1',
        `authorization: Bearer ${OPERATOR_TOKEN}`,
        'content-type: application/json',
        `content-length: ${Buffer.byteLength(body)}`,
        `traceparent: 00-${traceId}-${hex(8)}-01`,
        'connection: close',
        '',
        '',
      ].join('\r\n'),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(body);
    let response = '';
    for await (const chunk of socket) response += String(chunk);
    expect(response).toMatch(/^HTTP\/1.1 201/);

    const spans = await collector.spansOf(traceId, 3);
    const server = spans.find((s) => s.service === 'edge-gateway' && s.kind === SERVER);
    expect(server).toMatchObject({ name: 'POST /api/v1/devices' });
    expect(spans.find((s) => s.service === 'edge-gateway' && s.kind === CLIENT)?.parentSpanId).toBe(
      server?.spanId,
    );
  });

  it("records the response status: the caller's 404 is not the gateway's error", async () => {
    const traceId = hex(16);
    const missing = await rest('GET', `/api/v1/devices/no-such-${hex(4)}`, {
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(missing.status).toBe(404);

    const spans = await collector.spansOf(traceId, 3);
    const gateway = spans.find((s) => s.service === 'edge-gateway' && s.kind === SERVER);
    expect(gateway).toMatchObject({
      name: 'GET /api/v1/devices/:id',
      statusCode: 0,
      attributes: { 'http.response.status_code': 404 },
    });
    expect(spans.find((s) => s.service === 'edge-gateway' && s.kind === CLIENT)).toMatchObject({
      statusCode: ERROR,
      attributes: { 'rpc.grpc.status_code': 5 },
    });
  });
});
