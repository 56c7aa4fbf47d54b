import type { GrpcClient } from '@iot-mesh/platform';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import type { DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { auditDelivery } from '../src/delivery-audit.js';
import { eventually } from '@iot-mesh/platform/testing';
import { maxRssLine, printFigures } from '../src/figures-table.js';
import { firingAlertsOf, setUpFleet } from '../src/fleet-setup.js';
import { gatewayRest, type GatewayRest } from '../src/gateway-rest.js';
import { deviceClient, processorClient } from '../src/grpc-clients.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { startPublishing } from '../src/reading-publisher.js';
import { SERVICE_NAMES } from '../src/service-env.js';
import { sampleServiceRss } from '../src/service-rss.js';

describe('rolling restart of every service under load, the way Kubernetes does it', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let edge: GrpcClient<EdgeGatewayClient>;
  let processor: GrpcClient<DataProcessorClient>;

  beforeAll(async () => {
    stack = await startMeshStack();
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls);
    processor = processorClient(stack.address('data-processor'), stack.clientTls);
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    processor?.close();
    await stack?.stop();
  });

  it('fails no call and counts every accepted reading exactly once', async () => {
    const { devices, hotId, ruleId } = await setUpFleet(rest, 'rolling', 3);
    const rss = sampleServiceRss(stack);
    const publishing = startPublishing(edge.service, devices, {
      lanes: 4,
      timestampMs: Date.now(),
      idPrefix: 'rolling',
    });
    const ackedAtLeast = (n: number) =>
      eventually(() => (publishing.ackedTotal() >= n ? true : undefined), `${n} acks`, 90_000);
    const exitCodes: string[] = [];

    await ackedAtLeast(300);
    for (const name of SERVICE_NAMES) {
      // New instance up and ready, endpoints switched, then SIGTERM: the old one drains and exits 0.
      const code = await stack.rollingRestart(name);
      exitCodes.push(`${name} ${code}`);
      expect(code).toBe(0);
      await ackedAtLeast(publishing.ackedTotal() + 200);
    }
    const sent = await publishing.stop();
    const rssSummary = await rss.stop();
    const audit = await auditDelivery(processor.service, sent);
    const alerts = await firingAlertsOf(rest, ruleId);

    printFigures('rolling restart:', [
      ['restarts (old instance exit code)', exitCodes.join(', ')],
      ['readings sent', sent.sent],
      ['accepted', audit.acked],
      ['aggregated', audit.aggregated],
      ['lost', audit.lost],
      ['duplicates', audit.duplicates],
      ['failed calls', sent.failedCalls],
      ['failed calls by code', JSON.stringify(sent.errorsByCode)],
      ['alerts for the rule', alerts.map((a) => `${a.deviceId} ${a.state}`).join(', ')],
      ['max RSS', maxRssLine(rssSummary)],
    ]);
    expect(sent.failedCalls).toBe(0);
    expect(sent.lost).toBe(0);
    expect(audit.lost).toBe(0);
    expect(audit.duplicates).toBe(0);
    expect(alerts.map((a) => [a.deviceId, a.state])).toEqual([[hotId, 'ALERT_STATE_FIRING']]);
  });
});
