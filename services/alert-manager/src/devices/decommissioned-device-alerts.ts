import { Inject, Injectable } from '@nestjs/common';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, CLOCK } from '../alert-manager.di-tokens.js';
import { changeOpenAlerts } from '../alerts/change-open-alerts.js';
import { closeForDecommissionedDevice } from '../alerts/domain/alert-state-machine.js';
import { retryOnConflict } from '../alerts/retry-on-conflict.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';

/**
 * Resolves the open alerts of a decommissioned device the way a deleted rule resolves its own: in one
 * transaction with their events and the notifications of those that fired, guarded by their revisions.
 */
@Injectable()
export class DecommissionedDeviceAlerts {
  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
  ) {}

  /** How many open alerts it resolved (none when another replica got there first). */
  async resolve(deviceId: string): Promise<number> {
    const close = changeOpenAlerts(closeForDecommissionedDevice, this.config.alertChannels, this.now);
    let resolved = 0;
    await retryOnConflict(`open alerts of device ${deviceId}`, () =>
      this.store.changeOpenAlertsOfDevice(deviceId, (open) => {
        const batch = close(open);
        // A retried attempt computes again, so the count is that of the attempt that committed.
        resolved = batch.events.length;
        return batch;
      }),
    );
    return resolved;
  }
}
