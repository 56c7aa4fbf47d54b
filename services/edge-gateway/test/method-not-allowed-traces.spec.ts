import { randomBytes } from 'node:crypto';
import { scrapeSamples, startOtlpCollector, type ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { OPERATOR_TOKEN, startGateway } from './gateway-process.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('the span of a REST request answered 405', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stubs = await startDownstreamStubs();
    gateway = await startGateway({ ...stubs.env, ...collector.exporterEnv });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
    await collector?.close();
  });

  it.each([
    // Matched by the pass-through, which takes any two segments after /api/v1.
    ['PUT', '/api/v1/devices/d1'],
    // Matched by no route at all.
    ['DELETE', '/api/v1/devices/d1/keys'],
  ])('of %s %s is named by the route its metrics are labelled with', async (method, path) => {
    const traceId = hex(16);
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}${path}`, {
      method,
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(response.status).toBe(405);

    const [span] = await collector.spansOf(traceId, 1);
    const labels = (await scrapeSamples(gateway.adminUrl, 'http_server_request_duration_seconds_count'))
      .map((sample) => sample.labels)
      .find((text) => text.includes(`method="${method}"`) && text.includes('status_code="405"'));
    const route = /route="([^"]*)"/.exec(labels ?? '')?.[1];
    expect(route).toMatch(/^\/api\/v1\/devices\/:id/);
    expect(span).toMatchObject({ name: `${method} ${route}`, attributes: { 'http.route': route } });
  });
});
