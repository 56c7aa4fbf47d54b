import { status } from '@grpc/grpc-js';
import {
  AlertEventType,
  AlertState,
  type Alert,
  type AlertEvent,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { eventually, newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

const TEMPERATURE = SensorType.SENSOR_TYPE_TEMPERATURE;
const PRESSURE = SensorType.SENSOR_TYPE_PRESSURE;
const RESOLVED_METRIC = 'alert_manager_decommissioned_device_alerts_resolved_total';
const REGISTRY_LOG = 'asking the device registry about devices with open alerts';

describe('open alerts of decommissioned devices over gRPC', () => {
  const stack = new AlertStack(
    { DEVICE_SWEEP_INTERVAL_MS: '200' },
    { 'retired-1': TEMPERATURE, 'retired-2': TEMPERATURE, 'working-1': TEMPERATURE },
  );
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  const alertNow = async (id: string) => (await firstValueFrom(stack.api.getAlert({ id }))).alert!;
  const asked = (deviceId: string) => stack.registry.calls.filter((call) => call.id === deviceId).length;
  /**
   * Waits until `sweeps` whole sweeps dealt with the device from now on: sweeps never overlap and ask
   * about a device once, so its next ask after those shows the last of them is over.
   */
  const sweepsDealtWith = async (deviceId: string, sweeps = 1) => {
    const before = asked(deviceId);
    await eventually(() => asked(deviceId) > before + sweeps);
  };
  const sentFor = (alert: Alert) => Object.keys(stack.sent()).filter((key) => key.includes(`:${alert.id}:`));

  it("resolves a decommissioned device's firing and pending alerts in a sweep, announcing the fired one", async () => {
    const resolvedBefore = await stack.metric(RESOLVED_METRIC);
    const hot = await stack.createRule(newRule('Too hot'));
    const warm = await stack.createRule(
      newRule('Warm for long', { threshold: 20, forDuration: { seconds: 600, nanos: 0 } }),
    );
    const { changedAlerts } = await stack.evaluate([
      reading('r-1', 'retired-1', 50, 0),
      reading('w-1', 'working-1', 50, 0),
      reading('u-1', 'unregistered-1', 50, 0),
    ]);
    const opened = (ruleId: string, deviceId: string) =>
      changedAlerts.find((a) => a.ruleId === ruleId && a.deviceId === deviceId)!;
    const [firing, pending] = [opened(hot.id, 'retired-1'), opened(warm.id, 'retired-1')];
    expect([firing.state, pending.state]).toEqual([
      AlertState.ALERT_STATE_FIRING,
      AlertState.ALERT_STATE_PENDING,
    ]);
    await eventually(() => stack.sent()[`alert:${firing.id}:FIRING:log`]);
    const events: AlertEvent[] = [];
    const watch = stack.api
      .watchAlerts({
        filter: { deviceId: 'retired-1', ruleId: '', state: 0, severity: 0 },
        resumeAfterSequence: 0,
        replayFromStart: true,
      })
      .subscribe((message) => events.push(message.event!));

    stack.registry.statuses['retired-1'] = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;
    const resolved = await eventually(() => {
      const found = events.filter((e) => e.type === AlertEventType.ALERT_EVENT_TYPE_RESOLVED);
      return found.length === 2 ? found : undefined;
    });
    watch.unsubscribe();
    expect(resolved.map((e) => e.alert!.id).sort()).toEqual([firing.id, pending.id].sort());
    // One transaction of one sweep, saying why.
    expect(resolved[0].eventTime).toEqual(resolved[1].eventTime);
    for (const alert of [await alertNow(firing.id), await alertNow(pending.id)]) {
      expect(alert).toMatchObject({
        state: AlertState.ALERT_STATE_RESOLVED,
        summary: expect.stringMatching(/ on retired-1 \(device decommissioned\)$/) as string,
      });
    }
    await expect(stack.metric(RESOLVED_METRIC)).resolves.toBe(resolvedBefore + 2);
    // Readings still let through after the decommission open nothing again.
    await expect(stack.evaluate([reading('r-2', 'retired-1', 50, 20)])).resolves.toMatchObject({
      changedAlerts: [],
    });

    // An active device and one the registry does not know keep their alerts, sweep after sweep.
    await Promise.all([sweepsDealtWith('working-1'), sweepsDealtWith('unregistered-1')]);
    const kept = [
      opened(hot.id, 'working-1'),
      opened(warm.id, 'working-1'),
      opened(hot.id, 'unregistered-1'),
    ];
    for (const alert of kept) await expect(alertNow(alert.id)).resolves.toEqual(alert);

    // The fired alert's resolution is announced. The pending one's is not: once a notification queued
    // after it (the working device's alert resolved by a reading) went out, it would have gone too.
    await eventually(() => stack.sent()[`alert:${firing.id}:RESOLVED:log`]);
    await stack.evaluate([reading('w-2', 'working-1', 0, 10)]);
    await eventually(() => stack.sent()[`alert:${kept[0].id}:RESOLVED:log`]);
    expect(sentFor(firing).sort()).toEqual([
      `alert:${firing.id}:FIRING:log`,
      `alert:${firing.id}:RESOLVED:log`,
    ]);
    expect(stack.sent()[`alert:${firing.id}:RESOLVED:log`]).toBe(1);
    expect(sentFor(pending)).toEqual([]);
  });

  it('touches nothing while the registry cannot answer, logs that once, and resolves once it answers', async () => {
    // Pressure, so that the first test's temperature rules for all devices open nothing here.
    await stack.createRule(
      newRule('Pressure too high', {
        scope: { deviceId: 'retired-2' },
        sensorType: PRESSURE,
        threshold: 1000,
      }),
    );
    const { changedAlerts } = await stack.evaluate([reading('r2-1', 'retired-2', 1100, 0, PRESSURE)]);
    expect(changedAlerts).toHaveLength(1);
    const [alert] = changedAlerts;
    const resolvedBefore = await stack.metric(RESOLVED_METRIC);
    stack.registry.statuses['retired-2'] = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;
    stack.registry.failWith = status.INTERNAL;
    try {
      await sweepsDealtWith('retired-2', 3);
      await expect(alertNow(alert.id)).resolves.toEqual(alert);
      await expect(stack.metric(RESOLVED_METRIC)).resolves.toBe(resolvedBefore);
      const outage = stack.logs.filter((line) => line.msg.startsWith(`${REGISTRY_LOG} failed`));
      expect(outage.map((line) => line.level)).toEqual(['warn']);
    } finally {
      stack.registry.failWith = undefined;
    }
    await eventually(async () => (await alertNow(alert.id)).state === AlertState.ALERT_STATE_RESOLVED);
    await eventually(() => stack.logs.some((line) => line.msg === `${REGISTRY_LOG} works again`));
    await expect(stack.metric(RESOLVED_METRIC)).resolves.toBe(resolvedBefore + 1);
  });
});
