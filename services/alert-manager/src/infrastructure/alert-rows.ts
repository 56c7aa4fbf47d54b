import type { Insertable, Selectable } from 'kysely';
import type { Alert, AlertEvent, StoredAlert } from '../alerts/domain/alert.js';
import { isOpen } from '../alerts/domain/alert.js';
import type { NewAlertEvent } from '../alerts/domain/alert-changes.js';
import type { OutboxEntry, QueuedOutboxEntry, ChannelName } from '../notifications/domain/outbox-entry.js';
import type { Rule, RuleScope } from '../rules/domain/rule.js';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { AlertDatabase } from './alert.schema.js';

// Conversions between domain objects and table rows. bigint columns come back as numbers from
// PostgreSQL (see @iot-mesh/storage) and SQLite alike; Number() keeps both honest.

type RuleRow = Selectable<AlertDatabase['rules']>;
type AlertRow = Selectable<AlertDatabase['alerts']>;
type EventRow = Selectable<AlertDatabase['alert_events']>;
type OutboxRow = Selectable<AlertDatabase['notification_outbox']>;

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

export const ruleToRow = (rule: Rule): RuleRow => ({
  id: rule.id,
  name: rule.name,
  scope_kind: rule.scope.kind,
  scope_device_id: rule.scope.kind === 'device' ? rule.scope.deviceId : '',
  scope_device_type: rule.scope.kind === 'device_type' ? rule.scope.deviceType : 0,
  sensor_type: rule.sensorType,
  custom_sensor: rule.customSensor,
  operator: rule.operator,
  threshold: rule.threshold,
  threshold_high: rule.thresholdHigh,
  for_duration_ms: rule.forDurationMs,
  severity: rule.severity,
  hysteresis: rule.hysteresis,
  enabled: rule.enabled ? 1 : 0,
  create_time: rule.createTime,
  update_time: rule.updateTime,
});

function scopeFromRow(row: RuleRow): RuleScope {
  if (row.scope_kind === 'device') return { kind: 'device', deviceId: row.scope_device_id };
  if (row.scope_kind === 'device_type') return { kind: 'device_type', deviceType: row.scope_device_type };
  return { kind: 'all_devices' };
}

export const ruleFromRow = (row: RuleRow): Rule => ({
  id: row.id,
  name: row.name,
  scope: scopeFromRow(row),
  sensorType: row.sensor_type,
  customSensor: row.custom_sensor,
  operator: row.operator,
  threshold: row.threshold,
  thresholdHigh: row.threshold_high,
  forDurationMs: Number(row.for_duration_ms),
  severity: row.severity,
  hysteresis: row.hysteresis,
  enabled: Number(row.enabled) === 1,
  createTime: Number(row.create_time),
  updateTime: Number(row.update_time),
});

export const alertToRow = (alert: Alert, revision: number): AlertRow => ({
  id: alert.id,
  rule_id: alert.ruleId,
  device_id: alert.deviceId,
  sensor_type: alert.sensorType,
  custom_sensor: alert.customSensor,
  state: alert.state,
  severity: alert.severity,
  value: alert.value,
  summary: alert.summary,
  acknowledged: alert.acknowledged ? 1 : 0,
  acknowledged_by: alert.acknowledgedBy,
  acknowledge_time: alert.acknowledgeTime,
  start_time: alert.startTime,
  fire_time: alert.fireTime,
  resolve_time: alert.resolveTime,
  update_time: alert.updateTime,
  revision,
  // Rule ids never contain "/", so the first "/" separates the two ids unambiguously.
  open_key: isOpen(alert.state) ? `${alert.ruleId}/${alert.deviceId}` : null,
});

/** Only the domain fields: extra properties (a stored revision) must not leak into snapshots. */
export const plainAlert = (alert: Alert): Alert => ({
  id: alert.id,
  ruleId: alert.ruleId,
  deviceId: alert.deviceId,
  sensorType: alert.sensorType,
  customSensor: alert.customSensor,
  state: alert.state,
  severity: alert.severity,
  value: alert.value,
  summary: alert.summary,
  acknowledged: alert.acknowledged,
  acknowledgedBy: alert.acknowledgedBy,
  acknowledgeTime: alert.acknowledgeTime,
  startTime: alert.startTime,
  fireTime: alert.fireTime,
  resolveTime: alert.resolveTime,
  updateTime: alert.updateTime,
});

export const alertFromRow = (row: AlertRow): StoredAlert => ({
  id: row.id,
  ruleId: row.rule_id,
  deviceId: row.device_id,
  sensorType: row.sensor_type,
  customSensor: row.custom_sensor,
  state: row.state,
  severity: row.severity,
  value: row.value,
  summary: row.summary,
  acknowledged: Number(row.acknowledged) === 1,
  acknowledgedBy: row.acknowledged_by,
  acknowledgeTime: nullableNumber(row.acknowledge_time),
  startTime: Number(row.start_time),
  fireTime: nullableNumber(row.fire_time),
  resolveTime: nullableNumber(row.resolve_time),
  updateTime: Number(row.update_time),
  revision: Number(row.revision),
});

export const eventToRow = (event: NewAlertEvent): Insertable<AlertDatabase['alert_events']> => ({
  alert_id: event.alert.id,
  rule_id: event.alert.ruleId,
  device_id: event.alert.deviceId,
  state: event.alert.state,
  severity: event.alert.severity,
  type: event.type,
  event_time: event.time,
  alert: JSON.stringify(plainAlert(event.alert)),
});

export const eventFromRow = (row: EventRow): AlertEvent => ({
  sequence: Number(row.sequence),
  type: row.type,
  // Events recorded before alerts had a custom quantity lack it.
  alert: { customSensor: '', ...(JSON.parse(row.alert) as Omit<Alert, 'customSensor'>) },
  eventTime: Number(row.event_time),
});

export const outboxToRow = (entry: OutboxEntry): Insertable<AlertDatabase['notification_outbox']> => ({
  idempotency_key: entry.idempotencyKey,
  alert_id: entry.alertId,
  kind: entry.kind,
  channel: entry.channel,
  recipient: entry.recipient,
  subject: entry.subject,
  body: entry.body,
  attributes: JSON.stringify(entry.attributes),
  attempts: 0,
  next_attempt_time: entry.createTime,
  last_error: '',
  create_time: entry.createTime,
  failed_time: null,
});

export const outboxFromRow = (row: OutboxRow): QueuedOutboxEntry => ({
  id: Number(row.id),
  idempotencyKey: row.idempotency_key,
  alertId: row.alert_id,
  kind: row.kind,
  channel: row.channel as ChannelName,
  recipient: row.recipient,
  subject: row.subject,
  body: row.body,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
  attempts: Number(row.attempts),
  nextAttemptTime: Number(row.next_attempt_time),
  lastError: row.last_error,
  createTime: Number(row.create_time),
});

type CursorRow = Pick<
  Selectable<AlertDatabase['evaluation_cursors']>,
  'reading_time' | 'reading_id' | 'earlier_ids_at_time'
>;

export const cursorFromRow = (row: CursorRow): EvaluationCursor => ({
  readingTime: Number(row.reading_time),
  readingId: row.reading_id,
  earlierIdsAtTime: JSON.parse(row.earlier_ids_at_time) as string[],
});

export const cursorToRow = (cursor: EvaluationCursor): CursorRow => ({
  reading_time: cursor.readingTime,
  reading_id: cursor.readingId,
  earlier_ids_at_time: JSON.stringify(cursor.earlierIdsAtTime),
});
