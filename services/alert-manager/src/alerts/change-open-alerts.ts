import type { ChangeOpenAlerts } from '../infrastructure/alert-store.port.js';
import type { AlertChannels } from '../notifications/domain/alert-notification.js';
import { toChangeBatch } from './change-batch.js';
import type { Alert } from './domain/alert.js';
import { AlertChangeRecorder } from './domain/alert-changes.js';
import type { Step } from './domain/alert-state-machine.js';

/**
 * What `step` does to each open alert the store reads inside its transaction (a rule changed or
 * deleted, a device decommissioned), with the notifications those changes cause.
 */
export function changeOpenAlerts(
  step: (alert: Alert, now: number) => Step,
  channels: AlertChannels,
  clock: () => number,
): ChangeOpenAlerts {
  return (open) => {
    const now = clock();
    const recorder = new AlertChangeRecorder(now, open);
    for (const alert of open) recorder.record(step(alert, now));
    return toChangeBatch(recorder.changes, channels, now);
  };
}
