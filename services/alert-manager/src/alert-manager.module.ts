import { Module, type DynamicModule } from '@nestjs/common';
import {
  ALERT_MANAGER_CONFIG,
  ALERT_STORE,
  CLOCK,
  DEVICE_LOOKUP,
  NOTIFICATION_OUTBOX,
  NOTIFICATION_SENDER,
} from './alert-manager.di-tokens.js';
import { AlertEventMetrics } from './alerts/alert-event-metrics.js';
import { AlertEventFeed } from './alerts/alert-event-feed.js';
import { AlertLocks } from './alerts/alert-locks.js';
import { AlertWatchService } from './alerts/alert-watch.service.js';
import { AlertsGrpcController } from './alerts/alerts.grpc.controller.js';
import { AlertsService } from './alerts/alerts.service.js';
import { HistoryRetentionService } from './alerts/history-retention.service.js';
import type { AlertManagerConfig } from './config.js';
import { DecommissionedDeviceAlerts } from './devices/decommissioned-device-alerts.js';
import { DecommissionedDeviceSweep } from './devices/decommissioned-device-sweep.js';
import { DecommissionedDevices } from './devices/decommissioned-devices.js';
import type { DeviceLookup } from './devices/device-lookup.port.js';
import { EvaluationGrpcController } from './evaluation/evaluation.grpc.controller.js';
import { EvaluationService } from './evaluation/evaluation.service.js';
import type { AlertStore } from './infrastructure/alert-store.port.js';
import { NotificationDispatcher } from './notifications/notification-dispatcher.js';
import type { NotificationOutbox } from './notifications/notification-outbox.port.js';
import type { NotificationSender } from './notifications/notification-sender.port.js';
import { RulesGrpcController } from './rules/rules.grpc.controller.js';
import { EnabledRulesCache } from './rules/enabled-rules.cache.js';
import { RulesService } from './rules/rules.service.js';

/** What main.ts opens and closes itself, handed to the module. */
export interface AlertManagerAdapters {
  store: AlertStore;
  outbox: NotificationOutbox;
  devices: DeviceLookup;
  sender: NotificationSender;
}

@Module({})
export class AlertManagerModule {
  static register(config: AlertManagerConfig, adapters: AlertManagerAdapters): DynamicModule {
    return {
      module: AlertManagerModule,
      controllers: [RulesGrpcController, EvaluationGrpcController, AlertsGrpcController],
      providers: [
        RulesService,
        EvaluationService,
        AlertsService,
        AlertWatchService,
        AlertEventFeed,
        AlertEventMetrics,
        NotificationDispatcher,
        DecommissionedDevices,
        DecommissionedDeviceAlerts,
        DecommissionedDeviceSweep,
        HistoryRetentionService,
        { provide: AlertLocks, useValue: new AlertLocks() },
        {
          provide: EnabledRulesCache,
          useValue: new EnabledRulesCache(
            (types) => adapters.store.listEnabledRules(types),
            config.ruleCacheTtlMs,
            () => Date.now(),
          ),
        },
        { provide: ALERT_MANAGER_CONFIG, useValue: config },
        { provide: ALERT_STORE, useValue: adapters.store },
        { provide: NOTIFICATION_OUTBOX, useValue: adapters.outbox },
        { provide: DEVICE_LOOKUP, useValue: adapters.devices },
        { provide: NOTIFICATION_SENDER, useValue: adapters.sender },
        { provide: CLOCK, useValue: () => Date.now() },
      ],
    };
  }
}
