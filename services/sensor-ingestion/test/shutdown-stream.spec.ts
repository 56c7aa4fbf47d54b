import { status } from '@grpc/grpc-js';
import { decodeStatusDetails } from '@iot-mesh/platform';
import { eventually, scrapeMetricSum, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { IngestStreamRequest } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { Subject } from 'rxjs';
import { failure, ingestionClient, startIngestion } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

describe('an IngestStream open when ingestion gets SIGTERM', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  let ingestion: ServiceProcess | undefined;
  let addresses: Record<string, string>;

  beforeAll(async () => {
    const [registryAddress, processorAddress] = await Promise.all([registry.start(), processor.start()]);
    addresses = { DEVICE_REGISTRY_ADDRESS: registryAddress, DATA_PROCESSOR_ADDRESS: processorAddress };
  });
  afterEach(() => ingestion?.child.kill('SIGKILL'));
  afterAll(() => Promise.all([registry.stop(), processor.stop()]));

  it('ingests the batches it read, reads no more, ends with UNAVAILABLE saying how many, and exits 0', async () => {
    // A stream nothing ends holds the shutdown until this timeout, then ingestion exits 1.
    const started = await startIngestion({ ...addresses, SHUTDOWN_TIMEOUT_MS: '20000' });
    ingestion = started;
    const client = ingestionClient(started.grpcAddress, 60_000);
    const batches = new Subject<IngestStreamRequest>();
    const outcome = failure(client.service.ingestStream(batches));

    batches.next({ readings: [reading('shut-1')] });
    await eventually(() => (processor.received().has('shut-1') ? true : undefined), 'the first batch');
    // The second batch is read and on its way to the processor, which holds it, when SIGTERM comes.
    const release = processor.hold();
    batches.next({ readings: [reading('shut-2')] });
    const pending = () => scrapeMetricSum(started.adminUrl, 'ingestion_stream_batches_pending');
    await eventually(async () => ((await pending()) === 1 ? true : undefined), 'the second batch read');
    const exit = started.stop('SIGTERM');
    await started.waitForLog((line) => line.msg === 'shutting down: draining in-flight calls');
    batches.next({ readings: [reading('shut-3')] });
    release();

    await expect(exit).resolves.toEqual({ code: 0, signal: null });
    const ended = await outcome;
    const errorInfo = decodeStatusDetails(ended.metadata)?.errorInfo;
    expect([ended.code, errorInfo?.reason, errorInfo?.metadata['batchCount']]).toEqual([
      status.UNAVAILABLE,
      'INGESTION.SHUTTING_DOWN',
      '2',
    ]);
    expect(['shut-1', 'shut-2', 'shut-3'].map((id) => processor.received().has(id))).toEqual([
      true,
      true,
      false,
    ]);
    client.close();
  }, 60_000);
});
