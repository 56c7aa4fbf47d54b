import { status } from '@grpc/grpc-js';
import { decodeStatusDetails } from '@iot-mesh/platform';
import { AlertState, type ListRulesRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom, type Observable } from 'rxjs';
import { customReading, failure, newRule } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;

/** The [field, reason] pairs of a call's INVALID_ARGUMENT. */
async function violations(call: Observable<unknown>): Promise<[number, string[][]]> {
  const error = await failure(call);
  const found = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations ?? [];
  return [error.code, found.map((v) => [v.field, v.reason])];
}

describe('custom quantities over gRPC: each custom rule sees only its own quantity', () => {
  const stack = new AlertStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());
  const list = (filter: Partial<ListRulesRequest>) =>
    firstValueFrom(
      stack.api.listRules({ pageSize: 0, pageToken: '', sensorType: 0, customSensor: '', ...filter }),
    );

  it('fires only the co2 rule on interleaved co2 and noise readings, and noise never resolves it', async () => {
    const custom = { sensorType: CUSTOM, scope: { deviceId: 'room-1' } };
    const co2 = await stack.createRule(
      newRule('Stuffy', { ...custom, customSensor: 'co2', threshold: 1000 }),
    );
    const noise = await stack.createRule(
      newRule('Loud', { ...custom, customSensor: 'noise', threshold: 80 }),
    );
    expect([co2.customSensor, noise.customSensor]).toEqual(['co2', 'noise']);

    const result = await stack.evaluate([
      customReading('c-1', 'room-1', 'co2', 1200, 0),
      customReading('n-1', 'room-1', 'noise', 40, 5),
      customReading('c-2', 'room-1', 'co2', 1250, 10),
      customReading('n-2', 'room-1', 'noise', 40, 20),
    ]);
    expect(result.evaluatedCount).toBe(4);
    expect(result.changedAlerts).toEqual([
      expect.objectContaining({
        ruleId: co2.id,
        deviceId: 'room-1',
        sensorType: CUSTOM,
        customSensor: 'co2',
        state: AlertState.ALERT_STATE_FIRING,
        value: 1200,
        summary: 'Stuffy: co2 > 1000 on room-1',
      }),
    ]);
    const [alert] = await stack.alertsOf(co2.id);
    expect(alert).toMatchObject({ customSensor: 'co2', state: AlertState.ALERT_STATE_FIRING, value: 1250 });
    await expect(firstValueFrom(stack.api.getAlert({ id: alert.id }))).resolves.toEqual({ alert });
    expect(await stack.alertsOf(noise.id)).toEqual([]);

    // The noise reading at 20 s did not move the co2 rule's cursor: a co2 reading at 15 s is still new.
    const resolved = await stack.evaluate([customReading('c-3', 'room-1', 'co2', 500, 15)]);
    expect(resolved.changedAlerts).toEqual([
      expect.objectContaining({ id: alert.id, state: AlertState.ALERT_STATE_RESOLVED, value: 500 }),
    ]);
  });

  it('lists the rules of one custom quantity, and only with sensor_type CUSTOM', async () => {
    const dust = await stack.createRule(newRule('Dusty', { sensorType: CUSTOM, customSensor: 'dust' }));
    await expect(list({ sensorType: CUSTOM, customSensor: 'dust' })).resolves.toEqual({
      rules: [dust],
      nextPageToken: '',
    });
    expect((await list({ sensorType: CUSTOM, customSensor: 'noise' })).rules.map((r) => r.name)).toEqual([
      'Loud',
    ]);
    await expect(
      violations(stack.api.listRules({ pageSize: 0, pageToken: '', sensorType: 0, customSensor: 'dust' })),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['custom_sensor', 'RULE.CUSTOM_SENSOR_UNEXPECTED']]]);
    // A blank filter is a mistake in the filter, not a missing name.
    await expect(
      violations(stack.api.listRules({ pageSize: 0, pageToken: '', sensorType: CUSTOM, customSensor: ' ' })),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['custom_sensor', 'RULE.CUSTOM_SENSOR_FORMAT']]]);
  });

  it('refuses a CUSTOM rule without a name, and a name on another sensor type', async () => {
    await expect(
      violations(stack.api.createRule({ rule: newRule('Unnamed', { sensorType: CUSTOM }) })),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['custom_sensor', 'RULE.CUSTOM_SENSOR_REQUIRED']]]);
    await expect(
      violations(stack.api.createRule({ rule: newRule('Odd', { customSensor: 'co2' }) })),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['custom_sensor', 'RULE.CUSTOM_SENSOR_UNEXPECTED']]]);
    expect((await list({ sensorType: CUSTOM })).rules.map((r) => r.name).sort()).toEqual([
      'Dusty',
      'Loud',
      'Stuffy',
    ]);
  });

  it('refuses custom readings without their quantity', async () => {
    const unnamed = customReading('u-1', 'room-1', '', 1, 0);
    await expect(violations(stack.api.evaluateReadings({ readings: [unnamed] }))).resolves.toEqual([
      status.INVALID_ARGUMENT,
      [['readings[0].custom_sensor', 'READING.CUSTOM_SENSOR_REQUIRED']],
    ]);
  });
});
