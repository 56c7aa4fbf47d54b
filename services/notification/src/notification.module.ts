import { Module, type DynamicModule } from '@nestjs/common';
import type { NotificationConfig } from './config.js';
import type { NotificationStore } from './infrastructure/notification-store.port.js';
import { CLOCK, NOTIFICATION_CONFIG, NOTIFICATION_STORE } from './notification.di-tokens.js';
import { NotificationsGrpcController } from './notifications/notifications.grpc.controller.js';
import { NotificationRetentionService } from './notifications/notification-retention.service.js';
import { NotificationsService } from './notifications/notifications.service.js';

@Module({})
export class NotificationModule {
  static register(config: NotificationConfig, store: NotificationStore): DynamicModule {
    return {
      module: NotificationModule,
      controllers: [NotificationsGrpcController],
      providers: [
        NotificationsService,
        NotificationRetentionService,
        { provide: NOTIFICATION_CONFIG, useValue: config },
        { provide: NOTIFICATION_STORE, useValue: store },
        { provide: CLOCK, useValue: () => Date.now() },
      ],
    };
  }
}
