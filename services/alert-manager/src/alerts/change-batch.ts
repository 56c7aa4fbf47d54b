import type { ChangeBatch } from '../infrastructure/alert-store.port.js';
import { alertNotifications, type AlertChannels } from '../notifications/domain/alert-notification.js';
import type { AlertChanges } from './domain/alert-changes.js';

/** Alert changes with the outbox entries their announced transitions need. */
export function toChangeBatch(changes: AlertChanges, channels: AlertChannels, now: number): ChangeBatch {
  return {
    writes: changes.writes,
    events: changes.events,
    outbox: changes.notices.flatMap((notice) => alertNotifications(notice, channels, now)),
  };
}
