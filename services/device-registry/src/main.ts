import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { DeviceRegistryDefinition } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { describeStorage, openStoreOrExit } from '@iot-mesh/storage';
import { registryConfigSchema } from './config.js';
import { KyselyRegistryStore } from './infrastructure/kysely-registry.store.js';
import { RegistryModule } from './registry.module.js';

const config = loadConfigOrExit(registryConfigSchema);
const store = await openStoreOrExit(config.storage, (settings) => KyselyRegistryStore.open(settings));
const { logger } = await bootstrapGrpcService({
  config: config.platform,
  module: RegistryModule.register(config, store),
  services: [DeviceRegistryDefinition],
  protoFiles: ['iotmesh/device/v1/device_registry.proto'],
  onShutdown: () => store.close(),
});
logger.info({ storage: describeStorage(config.storage) }, 'device registry ready');
