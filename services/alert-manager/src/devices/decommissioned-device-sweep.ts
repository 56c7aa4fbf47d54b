import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  FailureStreakLog,
  mapConcurrently,
  METRICS_REGISTRY,
  PLATFORM_LOGGER,
  RepeatingTask,
} from '@iot-mesh/platform';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, DEVICE_LOOKUP } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import { DecommissionedDeviceAlerts } from './decommissioned-device-alerts.js';
import { DecommissionedDevices } from './decommissioned-devices.js';
import type { DeviceLookup } from './device-lookup.port.js';

const PAGE = 100;
// Registry calls in flight at once: a sweep of many devices ends soon without crowding the registry.
const LOOKUPS_AT_ONCE = 4;

/**
 * Every DEVICE_SWEEP_INTERVAL_MS, asks the registry about each device with open alerts and resolves
 * those of the decommissioned ones. Alerts are otherwise judged only when a device's next reading
 * comes, and a decommissioned device sends none: its pending and firing alerts would stay open for good.
 */
@Injectable()
export class DecommissionedDeviceSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: RepeatingTask | undefined;
  private readonly registryAnswers: FailureStreakLog;
  private readonly resolvedAlerts: Counter;
  private stopped = false;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(DEVICE_LOOKUP) private readonly devices: DeviceLookup,
    private readonly alerts: DecommissionedDeviceAlerts,
    private readonly decommissioned: DecommissionedDevices,
    @Inject(ALERT_MANAGER_CONFIG) config: AlertManagerConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    // Once per sweep, not per device: an outage would otherwise log a line per device with open alerts.
    this.registryAnswers = new FailureStreakLog(
      logger,
      'asking the device registry about devices with open alerts',
      'warn',
    );
    this.resolvedAlerts = new Counter({
      name: 'alert_manager_decommissioned_device_alerts_resolved_total',
      help: 'Open alerts resolved because the device registry said their device was decommissioned',
      registers: [registry],
    });
    if (config.deviceSweepIntervalMs > 0) {
      this.task = new RepeatingTask(
        () => this.sweep(),
        config.deviceSweepIntervalMs,
        new FailureStreakLog(logger, 'resolving the open alerts of decommissioned devices'),
      );
    }
  }

  onApplicationBootstrap(): void {
    this.task?.start();
  }

  /** Waits for the registry calls in flight, so the client is not closed under them. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
  }

  /**
   * Every device with open alerts, a page at a time. A store failure ends the sweep once the rest of its
   * page was seen to; the next sweep starts over.
   */
  private async sweep(): Promise<void> {
    const registry: { failure?: unknown; answered: boolean } = { answered: false };
    let after: string | undefined;
    do {
      const page = await this.store.listDevicesWithOpenAlerts(after, PAGE);
      await mapConcurrently(
        page,
        LOOKUPS_AT_ONCE,
        async (deviceId) => {
          if (this.stopped) return;
          let status: DeviceStatus | undefined;
          try {
            status = await this.devices.statusOf(deviceId);
          } catch (error) {
            // Nothing is known about the device this time, so nothing of it is touched; the next sweep asks again.
            registry.failure ??= error;
            return;
          }
          registry.answered = true;
          // Only a decommission is final (the registry changes a decommissioned device no more). A disabled
          // device may be enabled and report again. A device the registry does not know (undefined) is left
          // alone too: readings of any device id open alerts of all-devices rules, and being unknown (not
          // yet registered, or a registry restored from an older backup) is no sign its readings stopped.
          if (status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED) await this.resolveAlertsOf(deviceId);
        },
        // One device's failed resolve says nothing of the others on the page.
        'keep-going',
      );
      after = page.length === PAGE ? page.at(-1) : undefined;
    } while (after !== undefined && !this.stopped);
    if (registry.failure !== undefined) this.registryAnswers.failed(registry.failure);
    else if (registry.answered) this.registryAnswers.succeeded();
  }

  private async resolveAlertsOf(deviceId: string): Promise<void> {
    // Remembered first, so evaluation opens none for it again once these are resolved.
    await this.decommissioned.record(deviceId);
    const resolved = await this.alerts.resolve(deviceId);
    if (resolved === 0) return;
    this.resolvedAlerts.inc(resolved);
    this.logger.info({ deviceId, alerts: resolved }, 'resolved the open alerts of a decommissioned device');
  }
}
