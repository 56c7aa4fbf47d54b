import { randomBytes } from 'node:crypto';
import { startOtlpCollector, type ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { OPERATOR_TOKEN, startGateway } from './gateway-process.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('the service name of the spans of a gateway started without SERVICE_NAME', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;

  beforeAll(async () => {
    // Neither variable reaches the process: spawnService passes this process's environment on.
    for (const name of ['SERVICE_NAME', 'OTEL_SERVICE_NAME']) delete process.env[name];
    collector = await startOtlpCollector();
    stubs = await startDownstreamStubs();
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

  it("is the service's own default name, edge-gateway, as in its logs", async () => {
    const traceId = hex(16);
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/nothing-here`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(response.status).toBe(404);
    const [span] = await collector.spansOf(traceId, 1);
    expect(span?.service).toBe('edge-gateway');
    expect(gateway.logs.find((line) => line.msg === 'serving')?.['service']).toBe('edge-gateway');
  });
});
