import { status } from '@grpc/grpc-js';
import { decodeStatusDetails } from '@iot-mesh/platform';
import { AlertState, Operator } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { Channel, NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { BASE_SECONDS, eventually, failure, newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

describe('EvaluateReadings over gRPC: alerts fire, notify and resolve', () => {
  const stack = new AlertStack({ ALERT_CHANNELS: 'log,email', ALERT_EMAIL_TO: 'oncall@example.com' });
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('fires and notifies once even when the same readings are evaluated twice, then resolves', async () => {
    const rule = await stack.createRule(
      newRule('Boiler too hot', { scope: { deviceId: 'boiler-1' }, hysteresis: 2 }),
    );
    const breach = [reading('b-1', 'boiler-1', 35, 0), reading('other-1', 'boiler-2', 99, 0)];
    // The processor retries: the same batch arrives twice, even at the same time.
    const [first, retried] = await Promise.all([stack.evaluate(breach), stack.evaluate(breach)]);
    expect([first.evaluatedCount, retried.evaluatedCount]).toEqual([2, 2]);
    const changed = [...first.changedAlerts, ...retried.changedAlerts];
    expect(changed).toEqual([
      expect.objectContaining({
        ruleId: rule.id,
        deviceId: 'boiler-1',
        state: AlertState.ALERT_STATE_FIRING,
        value: 35,
      }),
    ]);
    expect((await stack.evaluate(breach)).changedAlerts).toEqual([]);
    const [alert] = await stack.alertsOf(rule.id);
    expect(alert).toMatchObject({ id: changed[0].id, state: AlertState.ALERT_STATE_FIRING });
    expect(await stack.alertsOf(rule.id)).toHaveLength(1);

    const firingKey = `alert:${alert.id}:FIRING`;
    await eventually(() => stack.sent()[`${firingKey}:email`]);
    const email = stack.notifications.calls.find((c) => c.idempotencyKey === `${firingKey}:email`);
    expect(email).toMatchObject({
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_EMAIL,
      recipient: 'oncall@example.com',
      attributes: expect.objectContaining({ alert_id: alert.id, device_id: 'boiler-1' }) as unknown,
    });

    // Inside the hysteresis band the alert keeps firing; beyond it, it resolves.
    expect((await stack.evaluate([reading('b-2', 'boiler-1', 29, 10)])).changedAlerts).toEqual([]);
    const resolved = await stack.evaluate([
      reading('b-3', 'boiler-1', 27, 20),
      reading('b-2', 'boiler-1', 29, 10),
    ]);
    expect(resolved.changedAlerts).toEqual([
      expect.objectContaining({ id: alert.id, state: AlertState.ALERT_STATE_RESOLVED, value: 27 }),
    ]);
    const resolvedKey = `alert:${alert.id}:RESOLVED`;
    await eventually(() => stack.sent()[`${resolvedKey}:log`] && stack.sent()[`${resolvedKey}:email`]);
    const counts = stack.sent();
    expect(
      [`${firingKey}:log`, `${firingKey}:email`, `${resolvedKey}:log`, `${resolvedKey}:email`].map(
        (k) => counts[k],
      ),
    ).toEqual([1, 1, 1, 1]);
    // Re-evaluating the whole history again changes nothing.
    expect((await stack.evaluate([...breach, reading('b-3', 'boiler-1', 27, 20)])).changedAlerts).toEqual([]);
    expect(await stack.alertsOf(rule.id)).toHaveLength(1);
  });

  it('evaluates readings of one time in the order they came, across calls and within one', async () => {
    // A device whose clock ticks in seconds: r-10 comes after r-9, though "r-10" sorts first.
    const rule = await stack.createRule(newRule('Coarse clock', { scope: { deviceId: 'tick-1' } }));
    expect((await stack.evaluate([reading('r-9', 'tick-1', 20, 0)])).changedAlerts).toEqual([]);
    const fired = await stack.evaluate([reading('r-10', 'tick-1', 75, 0)]);
    expect(fired.changedAlerts.map((a) => [a.state, a.value])).toEqual([[AlertState.ALERT_STATE_FIRING, 75]]);
    // A retry of either changes nothing.
    expect((await stack.evaluate([reading('r-9', 'tick-1', 20, 0)])).changedAlerts).toEqual([]);

    // One batch of one time: the breaching reading was sent last, so the alert ends firing.
    const other = await stack.createRule(newRule('Coarse clock 2', { scope: { deviceId: 'tick-2' } }));
    const batch = [
      reading('s-8', 'tick-2', 20, 0),
      reading('s-9', 'tick-2', 20, 0),
      reading('s-10', 'tick-2', 75, 0),
    ];
    expect((await stack.evaluate(batch)).changedAlerts.map((a) => a.state)).toEqual([
      AlertState.ALERT_STATE_FIRING,
    ]);
    expect((await stack.evaluate(batch)).changedAlerts).toEqual([]);
    expect((await stack.alertsOf(rule.id)).map((a) => a.state)).toEqual([AlertState.ALERT_STATE_FIRING]);
    expect((await stack.alertsOf(other.id)).map((a) => a.state)).toEqual([AlertState.ALERT_STATE_FIRING]);
  });

  it('waits for_duration (by reading times) before firing; a short breach resolves without notice', async () => {
    const rule = await stack.createRule(
      newRule('Sustained heat', { scope: { deviceId: 'oven-1' }, forDuration: { seconds: 60, nanos: 0 } }),
    );
    const pending = await stack.evaluate([reading('o-1', 'oven-1', 31, 0), reading('o-2', 'oven-1', 40, 30)]);
    expect(pending.changedAlerts.map((a) => a.state)).toEqual([AlertState.ALERT_STATE_PENDING]);
    const quiet = await stack.evaluate([reading('o-3', 'oven-1', 20, 40)]);
    expect(quiet.changedAlerts.map((a) => a.state)).toEqual([AlertState.ALERT_STATE_RESOLVED]);
    const fired = await stack.evaluate([
      reading('o-4', 'oven-1', 33, 100),
      reading('o-5', 'oven-1', 34, 160),
    ]);
    expect(fired.changedAlerts).toEqual([
      expect.objectContaining({
        state: AlertState.ALERT_STATE_FIRING,
        startTime: { seconds: 1_700_000_100, nanos: 0 },
      }),
    ]);
    const quietAlert = quiet.changedAlerts[0].id;
    await eventually(() => stack.sent()[`alert:${fired.changedAlerts[0].id}:FIRING:log`]);
    expect(stack.notifications.calls.filter((c) => c.idempotencyKey.includes(quietAlert))).toEqual([]);
    expect((await stack.alertsOf(rule.id)).map((a) => a.state)).toEqual([
      AlertState.ALERT_STATE_FIRING,
      AlertState.ALERT_STATE_RESOLVED,
    ]);
  });

  it('judges a reading stamped ahead of its clock at its arrival, so the readings after it are not late', async () => {
    const rule = await stack.createRule(newRule('Freezer warm', { scope: { deviceId: 'freezer-1' } }));
    const nowOffset = Math.floor(Date.now() / 1000) - BASE_SECONDS;
    // The device's clock ran four minutes ahead for one reading (ingestion takes up to five).
    expect((await stack.evaluate([reading('f-1', 'freezer-1', 20, nowOffset + 240)])).changedAlerts).toEqual(
      [],
    );
    const fired = await stack.evaluate([reading('f-2', 'freezer-1', 35, nowOffset + 2)]);
    expect(fired.changedAlerts).toEqual([
      expect.objectContaining({ ruleId: rule.id, state: AlertState.ALERT_STATE_FIRING, value: 35 }),
    ]);
    // A reading older than one judged still comes late.
    expect((await stack.evaluate([reading('f-0', 'freezer-1', 10, nowOffset - 60)])).changedAlerts).toEqual(
      [],
    );
    expect((await stack.alertsOf(rule.id)).map((a) => a.state)).toEqual([AlertState.ALERT_STATE_FIRING]);
  });

  it('scopes by device type through the registry, cached; unknown devices match nothing', async () => {
    const rule = await stack.createRule(
      newRule('Damp', {
        sensorType: SensorType.SENSOR_TYPE_HUMIDITY,
        scope: { deviceType: SensorType.SENSOR_TYPE_HUMIDITY },
        threshold: 80,
      }),
    );
    const humid = (id: string, device: string, at: number) =>
      reading(id, device, 95, at, SensorType.SENSOR_TYPE_HUMIDITY);
    const before = stack.registry.calls.length;
    const result = await stack.evaluate([
      humid('h-1', 'hygro-1', 0),
      humid('h-2', 'ghost-1', 0),
      humid('h-3', 'thermo-1', 0),
    ]);
    expect(result.changedAlerts.map((a) => [a.ruleId, a.deviceId])).toEqual([[rule.id, 'hygro-1']]);
    await stack.evaluate([humid('h-4', 'hygro-1', 10), humid('h-5', 'ghost-1', 10)]);
    // Each device's type once, and hygro-1 once more: whether it is decommissioned, as its alert opened.
    const asked = stack.registry.calls
      .slice(before)
      .map((c) => c.id)
      .sort();
    expect(asked).toEqual(['ghost-1', 'hygro-1', 'hygro-1', 'thermo-1']);
  });

  it('answers UNAVAILABLE, without evaluating anything, while the registry cannot tell a device type', async () => {
    const rule = await stack.createRule(
      newRule('Cold', {
        scope: { deviceType: SensorType.SENSOR_TYPE_TEMPERATURE },
        operator: Operator.OPERATOR_LESS_THAN,
        threshold: 0,
      }),
    );
    stack.registry.failWith = status.INTERNAL;
    try {
      const error = await failure(
        stack.api.evaluateReadings({ readings: [reading('c-1', 'freezer-1', -5, 0)] }),
      );
      expect(error.code).toBe(status.UNAVAILABLE);
    } finally {
      stack.registry.failWith = undefined;
    }
    expect(await stack.alertsOf(rule.id)).toEqual([]);
  });

  it('rejects malformed readings', async () => {
    const error = await failure(
      stack.api.evaluateReadings({
        readings: [reading('ok', 'd', 1, 0), { ...reading('', 'd', Number.NaN, 0), timestamp: undefined }],
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => v.field)).toEqual([
      'readings[1].reading_id',
      'readings[1].value',
      'readings[1].timestamp',
    ]);
  });

  it('refuses readings whose time no google.protobuf.Timestamp holds, and opens no alert for them', async () => {
    const rule = await stack.createRule(newRule('Ancient', { scope: { deviceId: 'ancient-1' } }));
    const at = (seconds: number, nanos: number) => ({
      ...reading('a-1', 'ancient-1', 99, 0),
      timestamp: { seconds, nanos },
    });
    for (const bad of [at(-100_000_000_000, 0), at(BASE_SECONDS, -5), at(BASE_SECONDS, 1_000_000_000)]) {
      const error = await failure(stack.api.evaluateReadings({ readings: [bad] }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations).toEqual([
        expect.objectContaining({ field: 'readings[0].timestamp', reason: 'READING.TIMESTAMP' }),
      ]);
    }
    expect(await stack.alertsOf(rule.id)).toEqual([]);
  });
});
