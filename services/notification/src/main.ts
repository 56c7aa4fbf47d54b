import 'reflect-metadata';
import { bootstrapGrpcService, loadConfigOrExit } from '@iot-mesh/platform';
import { NotificationDefinition } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { describeStorage, openStoreOrExit } from '@iot-mesh/storage';
import { configuredChannels, notificationConfigSchema } from './config.js';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher.js';
import { DeliveryMetrics } from './delivery/delivery.metrics.js';
import type { NotificationTransport } from './delivery/notification-transport.port.js';
import { KyselyNotificationStore } from './infrastructure/kysely-notification.store.js';
import { createTransports } from './infrastructure/transports/create-transports.js';
import { NotificationModule } from './notification.module.js';
import { CHANNEL_NAMES } from './notifications/domain/notification.js';

const config = loadConfigOrExit(notificationConfigSchema);
// The first webhook URL is the default webhook, as earlier versions stored it, in the delivery order.
const store = await openStoreOrExit(config.storage, (settings) =>
  KyselyNotificationStore.open(settings, config.webhook?.urls[0]),
);
// Made once the platform's logger and registry exist; stopped after in-flight calls drained.
const delivery: { dispatcher?: DeliveryDispatcher; transports: NotificationTransport[] } = { transports: [] };
const { logger, registry } = await bootstrapGrpcService({
  config: config.platform,
  module: NotificationModule.register(config, store),
  services: [NotificationDefinition],
  protoFiles: ['iotmesh/notification/v1/notification.proto'],
  onShutdown: async () => {
    await delivery.dispatcher?.stop();
    for (const transport of delivery.transports) await transport.close();
    await store.close();
  },
});
const transports = createTransports(config, logger);
delivery.transports = [...transports.values()];
delivery.dispatcher = new DeliveryDispatcher(
  store,
  transports,
  config.delivery,
  logger,
  new DeliveryMetrics(registry),
);
delivery.dispatcher.start();
logger.info(
  {
    storage: describeStorage(config.storage),
    channels: [...configuredChannels(config)].map((channel) => CHANNEL_NAMES[channel]),
  },
  'notification service ready',
);
