import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { AlertState, type Alert } from '../../alerts/domain/alert.js';
import { Severity } from '../../rules/domain/rule.js';
import { summarize } from '../../alerts/domain/alert-summary.js';
import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { alertNotifications } from './alert-notification.js';
import { retryDelayMs } from './retry-backoff.js';
import { sendNotificationViolations } from './testing/send-notification.rules.js';

const alert: Alert = {
  id: 'alert-1',
  ruleId: 'rule-1',
  deviceId: 'boiler-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  state: AlertState.ALERT_STATE_FIRING,
  severity: Severity.SEVERITY_CRITICAL,
  value: 91,
  summary: 'Too hot: temperature > 80 on boiler-1',
  acknowledged: false,
  acknowledgedBy: '',
  acknowledgeTime: null,
  startTime: 1_700_000_000_000,
  fireTime: 1_700_000_000_000,
  resolveTime: null,
  updateTime: 1_700_000_000_000,
};

const everyChannel = { channels: ['log', 'email', 'webhook'] as const, emailTo: 'ops@example.com' };

describe('alert notifications', () => {
  it('makes one entry per channel with a stable idempotency key', () => {
    const entries = alertNotifications(
      { transition: 'FIRING', alert },
      { channels: ['log', 'email', 'webhook'], emailTo: 'ops@example.com' },
      5,
    );
    expect(entries.map((e) => [e.idempotencyKey, e.channel, e.recipient])).toEqual([
      ['alert:alert-1:FIRING:log', 'log', ''],
      ['alert:alert-1:FIRING:email', 'email', 'ops@example.com'],
      ['alert:alert-1:FIRING:webhook', 'webhook', ''],
    ]);
    expect(entries[0]).toMatchObject({
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      alertId: 'alert-1',
      subject: '[CRITICAL] Firing: Too hot: temperature > 80 on boiler-1',
      attributes: {
        alert_id: 'alert-1',
        rule_id: 'rule-1',
        device_id: 'boiler-1',
        severity: 'CRITICAL',
        state: 'FIRING',
        value: '91',
        transition_time: '2023-11-14T22:13:20.000Z',
      },
      createTime: 5,
    });
    expect(entries[0].body).toContain('Value: 91');
  });

  it('announces resolutions as their own kind', () => {
    const resolved = { ...alert, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 1_700_000_060_000 };
    const [entry] = alertNotifications(
      { transition: 'RESOLVED', alert: resolved },
      { channels: ['log'], emailTo: '' },
      5,
    );
    expect(entry).toMatchObject({
      idempotencyKey: 'alert:alert-1:RESOLVED:log',
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED,
      subject: '[CRITICAL] Resolved: Too hot: temperature > 80 on boiler-1',
      // Receivers order an alert's notifications by it (and by event_sequence, added when stored).
      attributes: { state: 'RESOLVED', transition_time: '2023-11-14T22:14:20.000Z' },
    });
    expect(entry.body).toContain('Resolved: 2023-11-14T22:14:20.000Z');
  });

  it('fits the notification service for the longest rule name and device id, the whole summary in the body', () => {
    // A rule name (100) and a device id (128) as long as they may be: the subject would be 254 characters.
    const deviceId = `site-eu-west-3.warehouse-17.coldroom-04.${'d'.repeat(88)}`;
    const summary = summarize(aRule({ name: 'N'.repeat(100) }), deviceId);
    const resolved = { ...alert, deviceId, summary, resolveTime: 1_700_000_060_000 };
    const all = [
      ...alertNotifications(
        { transition: 'FIRING', alert: { ...alert, deviceId, summary } },
        everyChannel,
        5,
      ),
      ...alertNotifications({ transition: 'RESOLVED', alert: resolved }, everyChannel, 5),
    ];
    expect(all.map((e) => sendNotificationViolations(e))).toEqual(all.map(() => []));
    expect(all.map((e) => e.subject.length)).toEqual(all.map(() => 200));
    expect(all[0].subject).toMatch(/^\[CRITICAL\] Firing: N{100}: temperature > 30 on site-eu-west-3\.\S+…$/);
    expect(all[0].body.split('\n')[0]).toBe(summary);
  });

  it.each([
    ['a device id with control characters', 'boiler\n1\u0007\u0085'],
    ['a device id far too long for an attribute or a body', 'd'.repeat(30_000)],
  ])('fits the notification service for %s, which EvaluateReadings does not refuse', (_, deviceId) => {
    const summary = summarize(aRule(), deviceId);
    const entries = alertNotifications(
      { transition: 'FIRING', alert: { ...alert, deviceId, summary } },
      everyChannel,
      5,
    );
    expect(entries.map((e) => sendNotificationViolations(e))).toEqual(entries.map(() => []));
  });

  it('backs off exponentially up to a cap, with bounded jitter', () => {
    const policy = { initialMs: 1_000, maxMs: 30_000 };
    expect([1, 2, 3, 5, 6, 50].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([
      1_000, 2_000, 4_000, 16_000, 30_000, 30_000,
    ]);
    expect(retryDelayMs(2, policy, () => 1)).toBe(1_600);
  });
});
