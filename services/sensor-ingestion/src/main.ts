import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { SensorIngestionDefinition } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { ingestionConfigSchema } from './config.js';
import { IngestionModule } from './ingestion.module.js';
import { CachedDeviceDirectory } from './infrastructure/cached-device-directory.js';
import { DataProcessorSink } from './infrastructure/grpc-data-processor.sink.js';
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
const { logger } = await bootstrapGrpcService({
  config: config.platform,
  module: IngestionModule.register(config, {
    devices: new CachedDeviceDirectory(registry, config.deviceCache, clock),
    sink,
    clock,
  }),
  services: [SensorIngestionDefinition],
  protoFiles: ['iotmesh/ingestion/v1/sensor_ingestion.proto'],
  onShutdown: () => {
    registry.close();
    sink.close();
  },
});
logger.info(
  { deviceRegistry: config.deviceRegistryAddress, dataProcessor: config.dataProcessorAddress },
  'sensor ingestion ready',
);
