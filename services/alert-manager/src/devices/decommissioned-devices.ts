import { Inject, Injectable } from '@nestjs/common';
import { FailureStreakLog, mapConcurrently, PLATFORM_LOGGER } from '@iot-mesh/platform';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { Logger } from 'pino';
import { ALERT_STORE, CLOCK, DEVICE_LOOKUP } from '../alert-manager.di-tokens.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import type { DeviceLookup } from './device-lookup.port.js';

// Registry calls in flight at once, as in the sweep.
const LOOKUPS_AT_ONCE = 4;
// How long a device the registry called in service is not asked about again. Without it a device whose
// readings keep crossing a rule's threshold cost a registry call and a query per alarm (a fifth more of
// the alert manager's CPU under alerting load); with it a decommission can be missed for at most this long
// after a check, and the sweep resolves what that opens.
export const IN_SERVICE_MEMO_MS = 1_000;
const MEMO_ENTRIES = 10_000;

/**
 * Which devices are decommissioned. A decommission is final (the registry changes such a device no
 * more), so what is learnt is kept for good: in this process, and in the store for the other replicas
 * and after a restart. Devices not known so are asked about afresh, as the gateway still accepts a
 * device's readings for a while after its decommission; only an "in service" answer is kept, for
 * IN_SERVICE_MEMO_MS.
 */
@Injectable()
export class DecommissionedDevices {
  private readonly known = new Set<string>();
  /** When the registry last called each device in service. */
  private readonly inServiceAt = new Map<string, number>();
  private readonly registryAnswers: FailureStreakLog;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(DEVICE_LOOKUP) private readonly devices: DeviceLookup,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) logger: Logger,
  ) {
    this.registryAnswers = new FailureStreakLog(
      logger,
      'asking the device registry whether devices about to alert are decommissioned',
      'warn',
    );
  }

  /**
   * Those of `deviceIds` that are decommissioned. A device the registry cannot answer about counts as
   * in service: its alert opens, and the sweep resolves it once the registry answers.
   */
  async among(deviceIds: readonly string[]): Promise<Set<string>> {
    const found = new Set(deviceIds.filter((id) => this.known.has(id)));
    let unknown = [...new Set(deviceIds)].filter((id) => !found.has(id) && !this.recentlyInService(id));
    if (unknown.length === 0) return found;
    for (const id of await this.store.findDecommissionedDevices(unknown)) {
      this.known.add(id);
      found.add(id);
    }
    unknown = unknown.filter((id) => !found.has(id));
    await mapConcurrently(unknown, LOOKUPS_AT_ONCE, async (id) => {
      let status: DeviceStatus | undefined;
      try {
        status = await this.devices.statusOf(id);
      } catch (error) {
        this.registryAnswers.failed(error);
        return;
      }
      this.registryAnswers.succeeded();
      if (status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED) {
        await this.record(id);
        found.add(id);
      } else this.rememberInService(id);
    });
    return found;
  }

  private recentlyInService(deviceId: string): boolean {
    const at = this.inServiceAt.get(deviceId);
    return at !== undefined && this.now() - at < IN_SERVICE_MEMO_MS;
  }

  private rememberInService(deviceId: string): void {
    const now = this.now();
    if (this.inServiceAt.size >= MEMO_ENTRIES)
      for (const [id, at] of this.inServiceAt)
        if (now - at >= IN_SERVICE_MEMO_MS) this.inServiceAt.delete(id);
    if (this.inServiceAt.size < MEMO_ENTRIES) this.inServiceAt.set(deviceId, now);
  }

  /** Remembers a device the registry said was decommissioned. */
  async record(deviceId: string): Promise<void> {
    if (this.known.has(deviceId)) return;
    await this.store.recordDecommissionedDevice(deviceId, this.now());
    this.known.add(deviceId);
  }
}
