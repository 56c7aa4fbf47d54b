import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { AlertEventType } from '../../alerts/domain/alert.js';
import type { NewAlertEvent } from '../../alerts/domain/alert-changes.js';
import type { OutboxEntry } from './outbox-entry.js';

const ANNOUNCED_EVENT: Partial<Record<NotificationKind, AlertEventType>> = {
  [NotificationKind.NOTIFICATION_KIND_ALERT_FIRING]: AlertEventType.ALERT_EVENT_TYPE_FIRING,
  [NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED]: AlertEventType.ALERT_EVENT_TYPE_RESOLVED,
};

/**
 * The entries with the `event_sequence` attribute: the sequence the store gave the event each one
 * announces (`sequences[i]` is that of `events[i]`), the one WatchAlerts shows. An alert fires at
 * most once and resolves at most once, so its id and the transition name that event.
 */
export function withEventSequences(
  entries: readonly OutboxEntry[],
  events: readonly NewAlertEvent[],
  sequences: readonly number[],
): OutboxEntry[] {
  return entries.map((entry) => {
    const index = events.findIndex(
      (event) => event.alert.id === entry.alertId && event.type === ANNOUNCED_EVENT[entry.kind],
    );
    if (index < 0) return entry;
    return { ...entry, attributes: { ...entry.attributes, event_sequence: String(sequences[index]) } };
  });
}
