import { setTimeout as sleep } from 'node:timers/promises';
import { status, type ServiceError } from '@grpc/grpc-js';
import { grpcCodeName, timestampFromMillis, type GrpcClient } from '@iot-mesh/platform';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { grpcCallsInFlight } from '../src/admin-metrics.js';
import { eventually } from '@iot-mesh/platform/testing';
import { mib, printFigures } from '../src/figures-table.js';
import { gatewayRest, registerDevice, type GatewayRest } from '../src/gateway-rest.js';
import { apiKeyMetadata, deviceClient } from '../src/grpc-clients.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { rssMiB, startSampling } from '../src/rss-sampler.js';

const FLOOD_CALLS_PER_SECOND = 100;
const FLOOD_SECONDS = 6;
const DEVICE_DEADLINE_MS = 10_000;

describe('a stalled data processor (SIGSTOP): clear errors in time, bounded pending work, recovery', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let edge: GrpcClient<EdgeGatewayClient>;
  let edgeWithoutRetries: GrpcClient<EdgeGatewayClient>;
  let apiKey: string;
  let sequence = 0;
  let longestCallMs = 0;

  beforeAll(async () => {
    stack = await startMeshStack();
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    // The device waits longer than the gateway's 5 s downstream deadline, so the gateway's answer shows.
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls, DEVICE_DEADLINE_MS);
    edgeWithoutRetries = deviceClient(
      stack.address('edge-gateway'),
      stack.clientTls,
      DEVICE_DEADLINE_MS,
      false,
    );
    apiKey = await registerDevice(rest, 'stalled-1');
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    edgeWithoutRetries?.close();
    await stack?.stop();
  });

  let lastMessage = '';
  const publishOnce = async (client = edge): Promise<status> => {
    const reading = {
      readingId: `stalled-${sequence++}`,
      deviceId: '',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      value: 20,
      unit: 'celsius',
      timestamp: timestampFromMillis(Date.now()),
      customSensor: '',
    };
    const started = performance.now();
    const code = await firstValueFrom(
      client.service.publishReading({ reading }, apiKeyMetadata(apiKey)),
    ).then(
      () => status.OK,
      (error: ServiceError) => {
        lastMessage = error.details;
        return error.code;
      },
    );
    longestCallMs = Math.max(longestCallMs, performance.now() - started);
    return code;
  };
  const aggregates = () =>
    rest(
      'GET',
      '/api/v1/aggregates?deviceId=stalled-1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR',
    );

  it('answers with DEADLINE_EXCEEDED/UNAVAILABLE while stalled, keeps pending work bounded, and recovers', async () => {
    expect(await publishOnce()).toBe(status.OK);
    const gateway = stack.instance('edge-gateway');
    const ingestion = stack.instance('sensor-ingestion');
    const sampler = startSampling(
      {
        'edge-gateway RSS': () => rssMiB(gateway.process.child.pid ?? 0),
        'sensor-ingestion RSS': () => rssMiB(ingestion.process.child.pid ?? 0),
        'edge-gateway calls in flight': () => grpcCallsInFlight(`http://127.0.0.1:${gateway.adminPort}`),
        'sensor-ingestion calls in flight': () =>
          grpcCallsInFlight(`http://127.0.0.1:${ingestion.adminPort}`),
      },
      250,
    );

    stack.signal('data-processor', 'SIGSTOP');
    longestCallMs = 0;
    try {
      const restAnswer = await aggregates();
      expect([503, 504]).toContain(restAnswer.status);
      expect((restAnswer.json as { error: { service?: string } }).error.service).toBe('data-processor');
      // The gateway's own answer (no client retries): it gives up at its downstream deadline.
      const singleCode = await publishOnce(edgeWithoutRetries);
      const singleAnswer = `${grpcCodeName(singleCode)} after ${(longestCallMs / 1000).toFixed(1)} s: ${lastMessage}`;
      longestCallMs = 0;
      expect([status.DEADLINE_EXCEEDED, status.UNAVAILABLE]).toContain(singleCode);

      // An open-loop flood while stalled: calls must end at their deadline instead of piling up.
      const outcomes: Record<string, number> = {};
      const flood: Promise<void>[] = [];
      for (let i = 0; i < FLOOD_CALLS_PER_SECOND * FLOOD_SECONDS; i++) {
        flood.push(
          publishOnce().then(
            (code) => void (outcomes[grpcCodeName(code)] = (outcomes[grpcCodeName(code)] ?? 0) + 1),
          ),
        );
        await sleep(1000 / FLOOD_CALLS_PER_SECOND);
      }
      await Promise.all(flood);
      // Still stalled: once every call has had its answer, nothing may be left pending anywhere.
      await eventually(
        async () =>
          (await grpcCallsInFlight(`http://127.0.0.1:${gateway.adminPort}`)) === 0 ? true : undefined,
        'the gateway to have no call pending',
      );
      const summary = await sampler.stop();
      expect(
        Object.keys(outcomes).filter((code) => !['DeadlineExceeded', 'Unavailable'].includes(code)),
      ).toEqual([]);
      // Generous bound: a pile-up of 800 calls' state would show as steady growth, not a few MiB.
      expect(summary['edge-gateway RSS'].max - summary['edge-gateway RSS'].first).toBeLessThan(300);
      expect(summary['sensor-ingestion RSS'].max - summary['sensor-ingestion RSS'].first).toBeLessThan(300);

      const longestWhileStalled = longestCallMs;
      stack.signal('data-processor', 'SIGCONT');
      await eventually(
        async () => ((await publishOnce()) === status.OK ? true : undefined),
        'publishing to work again',
        60_000,
      );
      await eventually(
        async () => ((await aggregates()).status === 200 ? true : undefined),
        'aggregates to answer again',
        60_000,
      );

      printFigures('stalled data processor:', [
        [
          'REST aggregates while stalled',
          `${restAnswer.status} naming ${(restAnswer.json as { error: { service?: string } }).error.service}`,
        ],
        ["gateway's answer while stalled (no client retries)", singleAnswer],
        [
          `longest retrying device call in the flood (deadline ${DEVICE_DEADLINE_MS / 1000} s)`,
          `${(longestWhileStalled / 1000).toFixed(1)} s`,
        ],
        [
          'flood while stalled',
          `${FLOOD_CALLS_PER_SECOND * FLOOD_SECONDS} calls at ${FLOOD_CALLS_PER_SECOND}/s: ${JSON.stringify(outcomes)}`,
        ],
        ...Object.entries(summary).map(([name, s]): [string, string] => [
          name,
          name.endsWith('RSS')
            ? `first ${mib(s.first)}, max ${mib(s.max)}, last ${mib(s.last)}`
            : `max ${s.max}, last ${s.last}`,
        ]),
        ['after SIGCONT', 'publishing and aggregates answer again'],
      ]);
    } finally {
      stack.signal('data-processor', 'SIGCONT');
    }
  });
});
