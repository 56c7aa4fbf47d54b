import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { DataProcessorDefinition } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { describeStorage, openStoreOrExit } from '@iot-mesh/storage';
import { processorConfigSchema } from './config.js';
import { KyselyProcessorStore } from './infrastructure/kysely-processor.store.js';
import { ProcessorModule } from './processor.module.js';

const config = loadConfigOrExit(processorConfigSchema);
const store = await openStoreOrExit(config.storage, (settings) => KyselyProcessorStore.open(settings));
const { logger } = await bootstrapGrpcService({
  config: config.platform,
  module: ProcessorModule.register(config, store),
  services: [DataProcessorDefinition],
  protoFiles: ['iotmesh/processor/v1/data_processor.proto'],
  onShutdown: () => store.close(),
});
logger.info(
  {
    storage: describeStorage(config.storage),
    alertManager: config.forwardToAlertManager ? config.alertManagerAddress : 'not forwarding',
    // After their end, windows take late readings for lateReadingsMs and are deleted after retentionMs.
    windowsMs: { lateReadings: config.lateReadingsMs, retention: config.retentionMs },
  },
  'data processor ready',
);
