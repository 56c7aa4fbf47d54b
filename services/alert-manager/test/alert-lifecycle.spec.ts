import { status } from '@grpc/grpc-js';
import { AlertState } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { eventually, failure, newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

describe('alert lifecycle over gRPC: acknowledge, rule deletion, listing', () => {
  const stack = new AlertStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('acknowledges open alerts, and only those', async () => {
    const rule = await stack.createRule(newRule('Ack me', { scope: { deviceId: 'ack-1' } }));
    const [alert] = (await stack.evaluate([reading('a-1', 'ack-1', 50, 0)])).changedAlerts;
    expect((await failure(stack.api.acknowledgeAlert({ id: alert.id, acknowledgedBy: ' ' }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(
      (await failure(stack.api.acknowledgeAlert({ id: 'alert-nope', acknowledgedBy: 'ops' }))).code,
    ).toBe(status.NOT_FOUND);
    const { alert: acked } = await firstValueFrom(
      stack.api.acknowledgeAlert({ id: alert.id, acknowledgedBy: 'ops@example.com' }),
    );
    expect(acked).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'ops@example.com',
      state: AlertState.ALERT_STATE_FIRING,
    });
    expect(acked?.acknowledgeTime?.seconds).toBeGreaterThan(0);
    await expect(firstValueFrom(stack.api.getAlert({ id: alert.id }))).resolves.toEqual({ alert: acked });

    await stack.evaluate([reading('a-2', 'ack-1', 10, 10)]);
    const [resolved] = await stack.alertsOf(rule.id);
    expect(resolved).toMatchObject({ state: AlertState.ALERT_STATE_RESOLVED, acknowledged: true });
    // A repeat after the alert resolved (a client retrying) gets it as it is, the first acknowledgement kept.
    await expect(
      firstValueFrom(stack.api.acknowledgeAlert({ id: alert.id, acknowledgedBy: 'someone-else' })),
    ).resolves.toEqual({ alert: resolved });

    // One that resolved unacknowledged has nothing left to acknowledge.
    const [unseen] = (await stack.evaluate([reading('a-3', 'ack-1', 50, 20)])).changedAlerts;
    await stack.evaluate([reading('a-4', 'ack-1', 10, 30)]);
    const late = await failure(stack.api.acknowledgeAlert({ id: unseen.id, acknowledgedBy: 'ops' }));
    expect([late.code, late.details]).toEqual([status.FAILED_PRECONDITION, `alert ${unseen.id} is resolved`]);
  });

  it('resolves the open alerts of a deleted rule and announces it', async () => {
    const rule = await stack.createRule(newRule('Doomed', { scope: { deviceId: 'doom-1' } }));
    const [alert] = (await stack.evaluate([reading('d-1', 'doom-1', 50, 0)])).changedAlerts;
    await firstValueFrom(stack.api.deleteRule({ id: rule.id }));
    await expect(firstValueFrom(stack.api.getAlert({ id: alert.id }))).resolves.toMatchObject({
      alert: { state: AlertState.ALERT_STATE_RESOLVED },
    });
    await eventually(() => stack.sent()[`alert:${alert.id}:RESOLVED:log`]);
    expect((await stack.evaluate([reading('d-2', 'doom-1', 60, 10)])).changedAlerts).toEqual([]);
  });

  it('counts every alert event it commits by type, whatever wrote it', async () => {
    const events = (type: string) => stack.metric('alert_manager_alert_events_total', `type="${type}"`);
    const types = ['ALERT_EVENT_TYPE_FIRING', 'ALERT_EVENT_TYPE_ACKNOWLEDGED', 'ALERT_EVENT_TYPE_RESOLVED'];
    const before = await Promise.all(types.map(events));
    const rule = await stack.createRule(newRule('Counted', { scope: { deviceId: 'count-1' } }));
    const [alert] = (await stack.evaluate([reading('c-1', 'count-1', 50, 0)])).changedAlerts;
    await firstValueFrom(stack.api.acknowledgeAlert({ id: alert.id, acknowledgedBy: 'ops' }));
    await firstValueFrom(stack.api.deleteRule({ id: rule.id }));
    const after = await Promise.all(types.map(events));
    expect(after.map((count, i) => count - (before[i] ?? 0))).toEqual([1, 1, 1]);
  });

  it('lists alerts newest first with filters and page tokens', async () => {
    const rule = await stack.createRule(
      newRule('Many', {
        scope: { allDevices: true },
        sensorType: SensorType.SENSOR_TYPE_PRESSURE,
        threshold: 1000,
      }),
    );
    const press = (device: string, at: number) =>
      reading(`${device}-p`, device, 1100, at, SensorType.SENSOR_TYPE_PRESSURE);
    await stack.evaluate([
      press('p-1', 1),
      press('p-2', 2),
      press('p-3', 3),
      press('p-4', 4),
      press('p-5', 5),
    ]);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await firstValueFrom(
        stack.api.listAlerts({
          filter: { ruleId: rule.id, state: AlertState.ALERT_STATE_FIRING, severity: 0, deviceId: '' },
          pageSize: 2,
          pageToken,
        }),
      );
      seen.push(...page.alerts.map((a) => a.deviceId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toEqual(['p-5', 'p-4', 'p-3', 'p-2', 'p-1']);
    const badFilter = await failure(
      stack.api.listAlerts({
        filter: { ruleId: '', state: 9 as AlertState, severity: 0, deviceId: '' },
        pageSize: 0,
        pageToken: '',
      }),
    );
    expect(badFilter.code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(stack.api.getAlert({ id: '' }))).code).toBe(status.INVALID_ARGUMENT);
  });
});
