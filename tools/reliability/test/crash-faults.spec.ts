import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { grpcCodeName, timestampFromMillis, type GrpcClient } from '@iot-mesh/platform';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import type { DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { auditDelivery } from '../src/delivery-audit.js';
import { eventually } from '@iot-mesh/platform/testing';
import { maxRssLine, printFigures } from '../src/figures-table.js';
import { firingAlertsOf, setUpFleet } from '../src/fleet-setup.js';
import { gatewayRest, registerDevice, type GatewayRest } from '../src/gateway-rest.js';
import { apiKeyMetadata, deviceClient, processorClient } from '../src/grpc-clients.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { startPublishing } from '../src/reading-publisher.js';
import { sampleServiceRss } from '../src/service-rss.js';

describe('crash faults: kill -9 of the data processor and the alert manager under load', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let edge: GrpcClient<EdgeGatewayClient>;
  let edgeWithoutRetries: GrpcClient<EdgeGatewayClient>;
  let processor: GrpcClient<DataProcessorClient>;

  beforeAll(async () => {
    stack = await startMeshStack();
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls);
    edgeWithoutRetries = deviceClient(stack.address('edge-gateway'), stack.clientTls, 10_000, false);
    processor = processorClient(stack.address('data-processor'), stack.clientTls);
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    edgeWithoutRetries?.close();
    processor?.close();
    await stack?.stop();
  });

  it('never acknowledges a reading it loses, never counts one twice, and the alert fires once', async () => {
    const { devices, hotId, ruleId } = await setUpFleet(rest, 'crash', 3);
    const rss = sampleServiceRss(stack);
    const publishing = startPublishing(edge.service, devices, {
      lanes: 4,
      timestampMs: Date.now(),
      idPrefix: 'crash',
    });
    const { figures } = publishing;
    const ackedAtLeast = (n: number) =>
      eventually(() => (publishing.ackedTotal() >= n ? true : undefined), `${n} acks`, 90_000);
    const failuresBeyond = (n: number) =>
      eventually(() => (figures.failedCalls > n ? true : undefined), 'devices to see the outage', 60_000);
    const faults: string[] = [];
    let outageAnswer = '';
    // One call without client retries shows what the gateway itself answers during the outage.
    // Its own device, so a probe reading can never blur the audited devices' counts.
    const probeKey = await registerDevice(rest, 'crash-probe');
    const gatewayAnswerWhileDown = () =>
      firstValueFrom(
        edgeWithoutRetries.service.publishReading(
          {
            reading: {
              readingId: 'crash-probe',
              deviceId: '',
              sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
              value: 21,
              unit: 'celsius',
              timestamp: timestampFromMillis(Date.now()),
              customSensor: '',
            },
          },
          apiKeyMetadata(probeKey),
        ),
      ).then(
        () => 'OK (a false ack?)',
        (error: ServiceError) => `${grpcCodeName(error.code)}: ${error.details}`,
      );

    await ackedAtLeast(300);
    for (const victim of ['data-processor', 'alert-manager'] as const) {
      const failedBefore = figures.failedCalls;
      await stack.crashAndRestart(victim, async () => {
        faults.push(`kill -9 ${victim}`);
        // The processor sits on the acknowledgement path, so devices must notice it is gone;
        // the alert manager may be decoupled, so for it a short outage is enough.
        if (victim === 'data-processor') {
          await failuresBeyond(failedBefore);
          outageAnswer = await gatewayAnswerWhileDown();
        } else await sleep(3_000);
      });
      await ackedAtLeast(publishing.ackedTotal() + 300);
    }
    const sent = await publishing.stop();
    const rssSummary = await rss.stop();

    // Devices saw the outage as retryable errors and nothing else, and gave up on nothing.
    expect(sent.failedCalls).toBeGreaterThan(0);
    expect(outageAnswer).toMatch(/^(Unavailable|DeadlineExceeded):/);
    expect(
      Object.keys(sent.errorsByCode).filter((code) => !['Unavailable', 'DeadlineExceeded'].includes(code)),
    ).toEqual([]);
    expect(sent.lost).toBe(0);
    expect(publishing.ackedTotal()).toBe(sent.sent);

    const audit = await auditDelivery(processor.service, sent);
    expect(audit.lost).toBe(0);
    expect(audit.duplicates).toBe(0);

    const alerts = await firingAlertsOf(rest, ruleId);
    expect(alerts.map((a) => [a.deviceId, a.state])).toEqual([[hotId, 'ALERT_STATE_FIRING']]);

    printFigures('crash faults:', [
      ['faults injected', faults.join(', ')],
      ['readings sent', sent.sent],
      ['acknowledged', audit.acked],
      ['aggregated', audit.aggregated],
      ['lost (acked, not aggregated)', audit.lost],
      ['duplicates (counted twice)', audit.duplicates],
      ["gateway's answer while the processor is down", outageAnswer],
      ['retried calls by code', JSON.stringify(sent.errorsByCode)],
      ['acks saying duplicate (retry after success)', sent.duplicateAcks],
      ['alerts for the rule', alerts.map((a) => a.state).join(', ')],
      ['max RSS', maxRssLine(rssSummary)],
    ]);
  });
});
