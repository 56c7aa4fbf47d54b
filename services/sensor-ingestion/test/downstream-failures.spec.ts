import { status } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import type {
  IngestStreamRequest,
  SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { firstValueFrom, of, Subject } from 'rxjs';
import { failure, ingestionClient, startIngestion, until } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

// At-least-once: a caller is acknowledged only after the processor accepted, never falsely.
describe('sensor ingestion when its downstreams fail', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  let ingestion: ServiceProcess;
  let client: GrpcClient<SensorIngestionClient>;
  const api = () => client.service;

  beforeAll(async () => {
    ingestion = await startIngestion({
      DEVICE_REGISTRY_ADDRESS: await registry.start(),
      DATA_PROCESSOR_ADDRESS: await processor.start(),
    });
    client = ingestionClient(ingestion.grpcAddress);
  });
  afterEach(() => {
    processor.failNext = 0;
    registry.down = false;
  });
  afterAll(async () => {
    client.close();
    await ingestion.stop();
    await Promise.all([registry.stop(), processor.stop()]);
  });

  it('retries a processor that fails for a moment and then acknowledges', async () => {
    processor.failNext = 2;
    const attemptsBefore = processor.attempts;
    await expect(firstValueFrom(api().ingest({ reading: reading('retry-1') }))).resolves.toEqual({
      readingId: 'retry-1',
      duplicate: false,
    });
    expect(processor.attempts - attemptsBefore).toBe(3);
    expect(processor.received().has('retry-1')).toBe(true);
  });

  it('fails with UNAVAILABLE while the processor is down, for single, batch and stream calls', async () => {
    processor.failNext = Number.POSITIVE_INFINITY;
    const single = await failure(api().ingest({ reading: reading('down-1') }));
    const batch = await failure(api().ingestBatch({ readings: [reading('down-2')] }));
    const stream = await failure(api().ingestStream(of({ readings: [reading('down-3')] })));
    expect([single.code, batch.code, stream.code]).toEqual([
      status.UNAVAILABLE,
      status.UNAVAILABLE,
      status.UNAVAILABLE,
    ]);
    expect(decodeStatusDetails(single.metadata)?.errorInfo?.reason).toBe('PROCESSOR.UNAVAILABLE');
    expect(processor.received().has('down-1')).toBe(false);
  });

  it('fails with UNAVAILABLE, not a rejection, while the registry is down', async () => {
    registry.down = true;
    const single = await failure(api().ingest({ reading: reading('reg-1', { deviceId: 'dev-active-2' }) }));
    const batch = await failure(
      api().ingestBatch({ readings: [reading('reg-2', { deviceId: 'dev-active-3' })] }),
    );
    expect([single.code, batch.code]).toEqual([status.UNAVAILABLE, status.UNAVAILABLE]);
    expect(decodeStatusDetails(single.metadata)?.errorInfo?.reason).toBe('DEVICE_REGISTRY.UNAVAILABLE');
    registry.down = false;
    await expect(
      firstValueFrom(api().ingest({ reading: reading('reg-1', { deviceId: 'dev-active-2' }) })),
    ).resolves.toEqual({ readingId: 'reg-1', duplicate: false });
  });

  it('fails the stream at the batch the processor did not take, after acking the earlier ones', async () => {
    const batches = new Subject<IngestStreamRequest>();
    const outcome = failure(api().ingestStream(batches));
    batches.next({ readings: [reading('st-1')] });
    await until(() => processor.received().has('st-1'));
    processor.failNext = Number.POSITIVE_INFINITY;
    batches.next({ readings: [reading('st-2')] });
    batches.complete();
    expect((await outcome).code).toBe(status.UNAVAILABLE);
    expect(processor.received().has('st-2')).toBe(false);
  });
});
