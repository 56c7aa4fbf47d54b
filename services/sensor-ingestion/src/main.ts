import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { SensorIngestionDefinition } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { ingestionConfigSchema } from './config.js';
import { IngestionModule } from './ingestion.module.js';
import { CachedDeviceDirectory } from './infrastructure/cached-device-directory.js';
import { ShardedSink, shardMetadata } from './infrastructure/device-shards.js';
import { ForwardBatcher } from './infrastructure/forward-batcher.js';
import { DataProcessorSink, type ReadingProcessor } from './infrastructure/grpc-data-processor.sink.js';
import { GrpcDeviceDirectory } from './infrastructure/grpc-device-directory.js';

const config = loadConfigOrExit(ingestionConfigSchema);
const clock = () => Date.now();
const registry = new GrpcDeviceDirectory({
  address: config.deviceRegistryAddress,
  tls: config.platform.tls,
  deadlineMs: config.deviceRegistryDeadlineMs,
});
const sink = new DataProcessorSink({
  address: config.dataProcessorAddress,
  tls: config.platform.tls,
  deadlineMs: config.dataProcessorDeadlineMs,
  chunkSize: config.forwardChunkSize,
});
// One batcher per device shard (FORWARD_LINGER_MS=0: every caller its own ProcessReadings call(s)).
const batcherFor = (processor: ReadingProcessor) =>
  new ForwardBatcher(processor, {
    lingerMs: config.forwardLingerMs,
    chunkSize: config.forwardChunkSize,
    maxInFlight: config.forwardMaxInFlight,
    // A caller that finds no ProcessReadings call out goes at once: nobody is there to wait for.
    lingerWhenIdle: false,
  });
const batcher =
  config.forwardShards > 1
    ? new ShardedSink(config.forwardShards, (shard) =>
        batcherFor({ processReadings: (readings) => sink.processReadings(readings, shardMetadata(shard)) }),
      )
    : batcherFor(sink);
const { logger } = await bootstrapGrpcService({
  config: config.platform,
  module: IngestionModule.register(config, {
    devices: new CachedDeviceDirectory(registry, config.deviceCache, clock),
    sink: batcher,
    clock,
  }),
  services: [SensorIngestionDefinition],
  protoFiles: ['iotmesh/ingestion/v1/sensor_ingestion.proto'],
  // Readings are checked one by one, U+0000 among the rest: one such reading is refused alone, not
  // the batch (which the gateway may have merged from several devices' requests).
  requestChecks: { refuseNulText: false },
  onShutdown: () => {
    registry.close();
    batcher.flush();
    sink.close();
  },
});
logger.info(
  { deviceRegistry: config.deviceRegistryAddress, dataProcessor: config.dataProcessorAddress },
  'sensor ingestion ready',
);
