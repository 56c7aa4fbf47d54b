import { status, type ServiceError } from '@grpc/grpc-js';
import { timestampFromMillis, type GrpcClient } from '@iot-mesh/platform';
import { scrapeMetricSum } from '@iot-mesh/platform/testing';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { printFigures } from '../src/figures-table.js';
import { gatewayRest, registerDevice, type GatewayRest } from '../src/gateway-rest.js';
import { apiKeyMetadata, deviceClient } from '../src/grpc-clients.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import type { ServiceName } from '../src/service-env.js';

const PROCESSOR_CAUSE = {
  status: 503,
  reason: 'DOWNSTREAM.UNAVAILABLE',
  message:
    'sensor-ingestion is unavailable: the data processor did not accept the readings (PROCESSOR.UNAVAILABLE)',
};

// Each hop retries its own downstream. A hop whose downstream timed out after those retries answers so
// that its caller does not retry it again (grpc-retry-pushback-ms: -1): otherwise the client waits for
// retries that wait again and gets the outer hop's timeout instead of the cause. A downstream that
// cannot be reached (restarting) is retried by every hop, riding through the gap.
describe('a failed data processor', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let edge: GrpcClient<EdgeGatewayClient>;
  let apiKey: string;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startMeshStack();
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    // A device that retries UNAVAILABLE, as devices do, with a deadline past every hop's.
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls, 10_000);
    apiKey = await registerDevice(rest, 'failed-processor-1');
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    await stack?.stop();
  });

  const reading = () => ({
    readingId: `failed-processor-${sequence++}`,
    sensorType: 'SENSOR_TYPE_TEMPERATURE',
    value: 20,
    unit: 'celsius',
    timestamp: new Date().toISOString(),
  });
  const restReading = async () => {
    const answer = await rest('POST', '/api/v1/readings', { as: { apiKey }, body: reading() });
    const error = (answer.json as { error?: { reason: string; message: string } }).error;
    return { status: answer.status, reason: error?.reason, message: error?.message };
  };
  const grpcReading = () =>
    firstValueFrom(
      edge.service.publishReading(
        {
          reading: {
            ...reading(),
            deviceId: '',
            sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
            timestamp: timestampFromMillis(Date.now()),
            customSensor: '',
          },
        },
        apiKeyMetadata(apiKey),
      ),
    ).then(
      () => ({ code: status.OK, details: '' }),
      ({ code, details }: ServiceError) => ({ code, details }),
    );
  /** Calls of `methods` that `service` has started so far: the attempts its callers made. */
  const started = async (service: ServiceName, methods: readonly string[]) => {
    const admin = `http://127.0.0.1:${stack.instance(service).adminPort}`;
    let sum = 0;
    for (const method of methods) {
      sum += await scrapeMetricSum(admin, 'grpc_server_started_total', `grpc_method="${method}"`);
    }
    return sum;
  };
  const ingestionCalls = () => started('sensor-ingestion', ['Ingest', 'IngestBatch']);

  it('answers with the processor as the cause when it is frozen, not the gateway timeout naming ingestion', async () => {
    expect((await restReading()).status).toBe(200);
    stack.signal('data-processor', 'SIGSTOP');
    try {
      const before = await ingestionCalls();
      // Ingestion gives up on the processor at its 4 s, inside the gateway's 5 s: its answer, not a
      // retry cut short by the gateway's deadline (504 DOWNSTREAM.TIMEOUT naming sensor-ingestion).
      const answer = await restReading();
      expect(answer).toEqual(PROCESSOR_CAUSE);
      expect((await ingestionCalls()) - before).toBe(1);
    } finally {
      stack.signal('data-processor', 'SIGCONT');
    }
  });

  it('rides through a processor restart: readings sent while it is down are taken, over REST and gRPC', async () => {
    expect((await restReading()).status).toBe(200);
    let inFlight: Promise<[Awaited<ReturnType<typeof restReading>>, Awaited<ReturnType<typeof grpcReading>>]>;
    // Sent while it is down: the hops retry a processor they cannot reach (cheap, refused at once)
    // until it is back, rather than telling each other not to.
    await stack.crashAndRestart('data-processor', async () => {
      inFlight = Promise.all([restReading(), grpcReading()]);
      await sleep(300);
    });
    const [restAnswer, grpcAnswer] = await inFlight!;
    printFigures('data processor killed and restarted, one reading each meanwhile:', [
      ['REST answer', `${restAnswer.status} ${restAnswer.message ?? ''}`],
      ['gRPC answer', `${grpcAnswer.code} ${grpcAnswer.details}`],
    ]);
    expect(restAnswer.status).toBe(200);
    expect(grpcAnswer).toEqual({ code: status.OK, details: '' });
  });
});
