import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  channelCredentials,
  createGrpcClient,
  decodeStatusDetails,
  grpcCodeName,
  timestampFromMillis,
  type GrpcClient,
} from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  SensorIngestionDefinition,
  type SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import fc from 'fast-check';
import { firstValueFrom, type Observable } from 'rxjs';
import { aggregatedCount } from '../src/aggregate-count.js';
import { printFigures } from '../src/figures-table.js';
import { FUZZ_SEED, fuzzParameters } from '../src/fuzz-settings.js';
import { gatewayRest, registerDevice } from '../src/gateway-rest.js';
import { apiKeyMetadata, deviceClient, processorClient } from '../src/grpc-clients.js';
import { nastyNumber, nastyString } from '../src/hostile-arbitraries.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { storedDataProblems } from '../src/stored-data-check.js';

const INT32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const goodOr = <T>(good: T, nasty: fc.Arbitrary<T>) => fc.oneof(fc.constant(good), nasty);
const reading = (deviceId: string): fc.Arbitrary<Reading> =>
  fc.record({
    readingId: goodOr('fuzz', nastyString),
    deviceId: goodOr(deviceId, fc.oneof(fc.constant(''), nastyString)),
    sensorType: goodOr(1, INT32),
    value: goodOr(21.5, nastyNumber),
    unit: goodOr('celsius', nastyString),
    timestamp: fc.option(
      fc.record({
        seconds: goodOr(Math.floor(Date.now() / 1000), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
        nanos: goodOr(0, INT32),
      }),
      { nil: undefined },
    ),
    customSensor: goodOr('', nastyString),
  });
/** Only codes that say "your input" or "not allowed": INTERNAL, UNKNOWN or UNAVAILABLE would mean a fault. */
const PROPER = new Set<number>([
  status.OK,
  status.INVALID_ARGUMENT,
  status.PERMISSION_DENIED,
  status.NOT_FOUND,
  status.FAILED_PRECONDITION,
  status.ALREADY_EXISTS,
  status.OUT_OF_RANGE,
]);

describe('hostile gRPC input: the right status code, never INTERNAL or UNKNOWN, nothing invalid stored', () => {
  let stack: MeshStack;
  let edge: GrpcClient<EdgeGatewayClient>;
  let ingestion: GrpcClient<SensorIngestionClient>;
  let registry: GrpcClient<DeviceRegistryClient>;
  let processor: GrpcClient<DataProcessorClient>;
  let apiKey: string;
  const codes: Record<string, number> = {};

  beforeAll(async () => {
    console.log(`hostile gRPC input: fast-check seed ${FUZZ_SEED} (set RELIABILITY_SEED to change)`);
    stack = await startMeshStack();
    const rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    apiKey = await registerDevice(rest, 'hostile-grpc');
    await registerDevice(rest, 'hostile-nan');
    const options = (name: 'sensor-ingestion' | 'device-registry') => ({
      address: stack.address(name),
      tls: stack.clientTls,
      deadlineMs: 10_000,
    });
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls);
    ingestion = createGrpcClient(SensorIngestionDefinition, options('sensor-ingestion'));
    registry = createGrpcClient(DeviceRegistryDefinition, options('device-registry'));
    processor = processorClient(stack.address('data-processor'), stack.clientTls);
  }, 120_000);
  afterAll(async () => {
    for (const client of [edge, ingestion, registry, processor]) client?.close();
    await stack?.stop();
  });

  const answeredProperly = async (call: Observable<unknown>, what: string) => {
    let code: number = status.OK;
    let message = '';
    try {
      await firstValueFrom(call);
    } catch (error) {
      code = (error as ServiceError).code;
      message = (error as ServiceError).details;
    }
    const name = `${what} ${grpcCodeName(code)}`;
    codes[name] = (codes[name] ?? 0) + 1;
    if (!PROPER.has(code)) console.log(`${what}: improper ${grpcCodeName(code)}: ${message}`);
    return PROPER.has(code);
  };

  it('PublishReading through the gateway', async () => {
    await fc.assert(
      fc.asyncProperty(reading('hostile-grpc'), (r) =>
        answeredProperly(edge.service.publishReading({ reading: r }, apiKeyMetadata(apiKey)), 'gateway'),
      ),
      fuzzParameters(120),
    );
  });

  it('Ingest and IngestBatch on sensor-ingestion directly', async () => {
    await fc.assert(
      fc.asyncProperty(reading('hostile-grpc'), (r) =>
        answeredProperly(ingestion.service.ingest({ reading: r }), 'ingest'),
      ),
      fuzzParameters(120),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(reading('hostile-grpc'), { maxLength: 20 }), (readings) =>
        answeredProperly(ingestion.service.ingestBatch({ readings }), 'ingestBatch'),
      ),
      fuzzParameters(60),
    );
  });

  it('CreateDevice on device-registry directly', async () => {
    const device = fc.record({
      id: goodOr('', nastyString),
      name: goodOr('fuzzed', nastyString),
      type: goodOr(1, INT32),
      customType: goodOr('', nastyString),
      location: fc.option(
        fc.record({ site: nastyString, zone: nastyString, latitude: nastyNumber, longitude: nastyNumber }),
        { nil: undefined },
      ),
      ownerEmail: goodOr('ops@example.com', nastyString),
      status: goodOr(1, INT32),
      labels: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
    });
    const request = fc.record({
      deviceId: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/), nastyString),
      device: fc.option(device, { nil: undefined }),
      sendVerificationEmail: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, (r) => answeredProperly(registry.service.createDevice(r), 'createDevice')),
      fuzzParameters(120),
    );
  });

  it('answers requests that are not the method’s message (random bytes, numbers past 2^53) with INVALID_ARGUMENT', async () => {
    const raw = new Client(stack.address('sensor-ingestion'), channelCredentials(stack.clientTls));
    const rawEdge = new Client(stack.address('edge-gateway'), channelCredentials(stack.clientTls));
    const send = (client: Client, path: string, bytes: Uint8Array, metadata = new Metadata()) =>
      new Promise<ServiceError | undefined>((resolve) => {
        const same = (b: Buffer) => b;
        client.makeUnaryRequest(
          path,
          same,
          same,
          Buffer.from(bytes),
          metadata,
          { deadline: Date.now() + 10_000 },
          (error) => resolve(error ?? undefined),
        );
      });
    const ingest = (bytes: Uint8Array) => send(raw, '/iotmesh.ingestion.v1.SensorIngestion/Ingest', bytes);
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
          const code = (await ingest(bytes))?.code ?? status.OK;
          codes[`raw bytes ${grpcCodeName(code)}`] = (codes[`raw bytes ${grpcCodeName(code)}`] ?? 0) + 1;
          return PROPER.has(code);
        }),
        fuzzParameters(100),
      );
      // Ingest { reading { timestamp { seconds: 2^53 + 2 } } }: protobuf, but past what a double holds.
      const seconds = new BinaryWriter()
        .uint32(8)
        .uint64(2n ** 53n + 2n)
        .finish();
      const timestamp = new BinaryWriter().uint32(50).bytes(seconds).finish();
      const request = new BinaryWriter().uint32(10).bytes(timestamp).finish();
      const tooLarge = await ingest(request);
      expect(tooLarge?.code).toBe(status.INVALID_ARGUMENT);
      expect(decodeStatusDetails(tooLarge?.metadata)?.errorInfo?.reason).toBe('REQUEST.UNDECODABLE');
      const truncated = await send(
        rawEdge,
        '/iotmesh.edge.v1.EdgeGateway/PublishReading',
        request.subarray(0, 5),
        apiKeyMetadata(apiKey),
      );
      expect(truncated?.code).toBe(status.INVALID_ARGUMENT);
    } finally {
      raw.close();
      rawEdge.close();
    }
  });

  it('never aggregates NaN or infinities, and stores nothing invalid', async () => {
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      const code = await firstValueFrom(
        ingestion.service.ingest({
          reading: {
            readingId: `nan-${value}`,
            deviceId: 'hostile-nan',
            sensorType: 1,
            value,
            unit: 'celsius',
            timestamp: timestampFromMillis(Date.now()),
            customSensor: '',
          },
        }),
      ).then(
        () => status.OK,
        (error: ServiceError) => error.code,
      );
      expect(code).toBe(status.INVALID_ARGUMENT);
    }
    expect(await aggregatedCount(processor.service, 'hostile-nan')).toBe(0);
    for (const name of ['edge-gateway', 'sensor-ingestion', 'device-registry'] as const) {
      expect(stack.instance(name).process.child.exitCode).toBeNull();
    }
    const problems = await storedDataProblems(stack);
    expect(problems.list).toEqual([]);
    printFigures('hostile gRPC input:', [
      ['fast-check seed', FUZZ_SEED],
      ['answers by call and code', JSON.stringify(codes)],
      [
        'devices / rules / aggregates checked',
        `${problems.devices} / ${problems.rules} / ${problems.aggregates}`,
      ],
      ['invalid stored items', problems.list.length],
    ]);
  });
});
