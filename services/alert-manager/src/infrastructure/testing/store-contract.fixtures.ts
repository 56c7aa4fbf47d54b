import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { freshStore, type DatabaseKind } from '@iot-mesh/storage/testing';
import { AlertEventType, AlertState, type Alert } from '../../alerts/domain/alert.js';
import { CHANNEL_NAMES, type OutboxEntry } from '../../notifications/domain/outbox-entry.js';
import { Operator, Severity, type Rule } from '../../rules/domain/rule.js';
import type { ChangeBatch } from '../alert-store.port.js';
import type { SqlDialect } from '@iot-mesh/storage';
import { alertMigrations } from '../alert.migrations.js';
import { KyselyAlertStore } from '../kysely-alert.store.js';

// Shared by the store contract specs: test data and a fresh store on SQLite or PostgreSQL.

export const rule = (id: string, changes: Partial<Rule> = {}): Rule => ({
  id,
  name: `Rule ${id}`,
  scope: { kind: 'device', deviceId: 'dev-1' },
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  operator: Operator.OPERATOR_OUTSIDE_RANGE,
  threshold: -10.5,
  thresholdHigh: 40.25,
  forDurationMs: 90_000,
  severity: Severity.SEVERITY_WARNING,
  hysteresis: 1.5,
  enabled: true,
  createTime: 1_700_000_000_000,
  updateTime: 1_700_000_000_001,
  ...changes,
});
export const alert = (id: string, changes: Partial<Alert> = {}): Alert => ({
  id,
  ruleId: 'rule-a',
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  state: AlertState.ALERT_STATE_FIRING,
  severity: Severity.SEVERITY_WARNING,
  value: 41.5,
  summary: 'hot',
  acknowledged: false,
  acknowledgedBy: '',
  acknowledgeTime: null,
  startTime: 1_000,
  fireTime: 1_000,
  resolveTime: null,
  updateTime: 2_000,
  ...changes,
});
/**
 * An entry under `key`; a key "alert:<id>:<transition>:<channel>" names its alert, kind and channel
 * (email when it names none), as real ones do.
 */
export function outbox(key: string): OutboxEntry {
  const [, alertId = 'a-1', transition, named] = /^alert:([^:]+):([A-Z]+):(\w+)$/.exec(key) ?? [];
  const channel = CHANNEL_NAMES.find((c) => c === named) ?? 'email';
  return {
    idempotencyKey: key,
    alertId,
    kind:
      transition === 'RESOLVED'
        ? NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED
        : NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
    channel,
    recipient: channel === 'email' ? 'ops@example.com' : '',
    subject: 'subject',
    body: 'body',
    attributes: { alert_id: alertId },
    createTime: 10,
  };
}
export const firing = (
  a: Alert,
  expectedRevision: number | null,
  extra: Partial<ChangeBatch> = {},
): ChangeBatch => ({
  writes: [{ alert: a, expectedRevision }],
  events: [{ type: AlertEventType.ALERT_EVENT_TYPE_FIRING, alert: a, time: 3_000 }],
  outbox: [],
  ...extra,
});

/** The migrations before `first` (a migration's name), to build a database as it was before it. */
export const migrationsBefore = (dialect: SqlDialect, first: string) =>
  Object.fromEntries(Object.entries(alertMigrations(dialect)).filter(([name]) => name < first));

/** A fresh store of `kind` for the enclosing describe block, closed and removed after it. */
export function contractStore(kind: DatabaseKind, name: string): () => KyselyAlertStore {
  return freshStore(kind, name, (settings) => KyselyAlertStore.open(settings));
}

/** Fires `alert` and resolves it later, leaving a resolved alert with two events. */
export function firedAndResolved(a: Alert): [ChangeBatch, ChangeBatch] {
  const resolved = { ...a, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: a.startTime + 1 };
  return [
    firing(a, null),
    {
      writes: [{ alert: resolved, expectedRevision: 1 }],
      events: [{ type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED, alert: resolved, time: 4_000 }],
      outbox: [],
    },
  ];
}
