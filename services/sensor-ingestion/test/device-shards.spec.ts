import type { GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import type { SensorIngestionClient } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { firstValueFrom } from 'rxjs';
import { shardOf } from '../src/infrastructure/device-shards.js';
import { ingestionClient, startIngestion } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

describe('sensor ingestion with device shards', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  let ingestion: ServiceProcess;
  let client: GrpcClient<SensorIngestionClient>;

  beforeAll(async () => {
    ingestion = await startIngestion({
      DEVICE_REGISTRY_ADDRESS: await registry.start(),
      DATA_PROCESSOR_ADDRESS: await processor.start(),
      FORWARD_SHARDS: '4',
    });
    client = ingestionClient(ingestion.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await ingestion.stop();
    await Promise.all([registry.stop(), processor.stop()]);
  });

  it("labels every ProcessReadings call with the device's shard for the processor's consistent hashing", async () => {
    await firstValueFrom(client.service.ingestBatch({ readings: [reading('shard-0'), reading('shard-1')] }));
    await firstValueFrom(client.service.ingest({ reading: reading('shard-2') }));
    const shard = String(shardOf('dev-active', 4));
    expect(processor.shards).toEqual([shard, shard]);
    expect(processor.calls.flat().map((r) => r.readingId)).toEqual(['shard-0', 'shard-1', 'shard-2']);
  });
});
