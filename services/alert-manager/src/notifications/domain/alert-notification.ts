import { bounded, NOTIFICATION_LIMITS } from '@iot-mesh/platform';
import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import type { AlertNotice } from '../../alerts/domain/alert-changes.js';
import { Severity } from '../../rules/domain/rule.js';
import { fittedLine, oneLine } from './one-line-text.js';
import type { ChannelName, OutboxEntry } from './outbox-entry.js';

/** Where alert notifications go (ALERT_CHANNELS, ALERT_EMAIL_TO). */
export interface AlertChannels {
  channels: readonly ChannelName[];
  emailTo: string;
}

const severityName = (severity: Severity): string =>
  (Severity[severity] ?? 'UNKNOWN').replace('SEVERITY_', '');

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/** The idempotency key makes a retried or repeated hand-over one notification per channel. */
export const notificationKey = (notice: AlertNotice, channel: ChannelName): string =>
  `alert:${notice.alert.id}:${notice.transition}:${channel}`;

/**
 * The notification service delivers the notifications of one ordering key (per channel and
 * recipient) one at a time, in the order they were handed over: an alert's RESOLVED never
 * overtakes its FIRING.
 */
export const orderingKeyOf = (entry: Pick<OutboxEntry, 'alertId'>): string => `alert:${entry.alertId}`;

/**
 * One outbox entry per configured channel for an alert that fired or resolved. A long rule name
 * and device id can make the subject too long for the notification service: it is shortened with
 * an ellipsis, and the body, which starts with the whole summary, says the rest. The attributes
 * carry `transition_time` (when it fired or resolved) and, once the store numbered the event,
 * `event_sequence` (withEventSequences), so receivers can order an alert's notifications.
 */
export function alertNotifications(notice: AlertNotice, to: AlertChannels, now: number): OutboxEntry[] {
  const { alert, transition } = notice;
  const firing = transition === 'FIRING';
  const subject = fittedLine(
    `[${severityName(alert.severity)}] ${firing ? 'Firing' : 'Resolved'}: ${alert.summary}`,
    NOTIFICATION_LIMITS.subject,
  );
  const lines = [
    alert.summary,
    `State: ${transition}`,
    `Device: ${alert.deviceId}`,
    `Value: ${alert.value}`,
    `Started: ${iso(alert.startTime)}`,
    `Fired: ${iso(alert.fireTime)}`,
    ...(firing ? [] : [`Resolved: ${iso(alert.resolveTime)}`]),
    `Alert: ${alert.id} (rule ${alert.ruleId})`,
  ];
  const body = bounded(lines.map(oneLine).join('\n'), NOTIFICATION_LIMITS.body);
  const attributes = Object.fromEntries(
    Object.entries({
      alert_id: alert.id,
      rule_id: alert.ruleId,
      device_id: alert.deviceId,
      severity: severityName(alert.severity),
      state: transition,
      value: String(alert.value),
      transition_time: iso(firing ? alert.fireTime : alert.resolveTime),
    }).map(([key, value]) => [key, fittedLine(value, NOTIFICATION_LIMITS.attributeValue)]),
  );
  return to.channels.map((channel) => ({
    idempotencyKey: notificationKey(notice, channel),
    alertId: alert.id,
    kind: firing
      ? NotificationKind.NOTIFICATION_KIND_ALERT_FIRING
      : NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED,
    channel,
    recipient: channel === 'email' ? to.emailTo : '',
    subject,
    body,
    attributes: { ...attributes },
    createTime: now,
  }));
}
