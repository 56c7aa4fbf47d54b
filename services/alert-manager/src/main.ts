import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { AlertManagerDefinition } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { describeStorage, openStoreOrExit } from '@iot-mesh/storage';
import { AlertManagerModule } from './alert-manager.module.js';
import { alertConfigSchema } from './config.js';
import { GrpcDeviceLookup } from './infrastructure/grpc-device.lookup.js';
import { GrpcNotificationSender } from './infrastructure/grpc-notification.sender.js';
import { KyselyAlertStore } from './infrastructure/kysely-alert.store.js';

const config = loadConfigOrExit(alertConfigSchema);
const store = await openStoreOrExit(config.storage, (settings) => KyselyAlertStore.open(settings));
const devices = new GrpcDeviceLookup(
  config.deviceRegistryAddress,
  config.platform.tls,
  config.deviceCacheTtlMs,
);
const sender = new GrpcNotificationSender(config.notificationAddress, config.platform.tls);
const { logger } = await bootstrapGrpcService({
  config: config.platform,
  module: AlertManagerModule.register(config, { store, outbox: store.outbox, devices, sender }),
  services: [AlertManagerDefinition],
  protoFiles: ['iotmesh/alert/v1/alert_manager.proto'],
  // Runs after in-flight calls drained and the module's dispatcher, event feed and device sweep stopped.
  onShutdown: async () => {
    devices.close();
    sender.close();
    await store.close();
  },
});
logger.info(
  { storage: describeStorage(config.storage), channels: config.alertChannels.channels },
  'alert manager ready',
);
