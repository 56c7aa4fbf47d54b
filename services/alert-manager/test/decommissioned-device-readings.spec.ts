import { status } from '@grpc/grpc-js';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { eventually, newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

const HUMIDITY = SensorType.SENSOR_TYPE_HUMIDITY;
const DEVICES = { 'retired-1': HUMIDITY, 'working-1': HUMIDITY };
const humid = (readingId: string, deviceId: string, offsetSeconds: number) =>
  reading(readingId, deviceId, 95, offsetSeconds, HUMIDITY);
const asked = (stack: AlertStack, deviceId: string) =>
  stack.registry.calls.filter((call) => call.id === deviceId).length;

// The gateway lets a device's readings through for a while after its decommission (its key cache):
// none of them may open an alert or announce one firing.
describe('readings of a decommissioned device over gRPC', () => {
  const stack = new AlertStack({ DEVICE_SWEEP_INTERVAL_MS: '0' }, DEVICES);
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('open no alert, ask the registry once, and stay refused after a restart without the registry', async () => {
    const rule = await stack.createRule(newRule('Too humid', { sensorType: HUMIDITY, threshold: 80 }));
    stack.registry.statuses['retired-1'] = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;

    await expect(stack.evaluate([humid('h-1', 'retired-1', 0)])).resolves.toMatchObject({
      evaluatedCount: 1,
      changedAlerts: [],
    });
    await expect(stack.evaluate([humid('h-2', 'retired-1', 10)])).resolves.toMatchObject({
      changedAlerts: [],
    });
    expect(asked(stack, 'retired-1')).toBe(1);

    await stack.restart();
    stack.registry.failWith = status.UNAVAILABLE;
    try {
      await expect(stack.evaluate([humid('h-3', 'retired-1', 20)])).resolves.toMatchObject({
        changedAlerts: [],
      });
      expect(asked(stack, 'retired-1')).toBe(1);
      // A device the registry cannot answer about counts as in service: its alert still fires.
      const { changedAlerts } = await stack.evaluate([humid('w-1', 'working-1', 20)]);
      expect(changedAlerts.map((a) => a.deviceId)).toEqual(['working-1']);
    } finally {
      stack.registry.failWith = undefined;
    }
    expect((await stack.alertsOf(rule.id)).map((a) => a.deviceId)).toEqual(['working-1']);
    await eventually(() => Object.keys(stack.sent()).length === 1);
  });
});

describe('readings of a decommissioned device, replicas on PostgreSQL', () => {
  let postgres: TestPostgres;
  let replicas: AlertStack[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
    const env = {
      STORAGE: 'postgres',
      DATABASE_URL: await postgres.createDatabase('replicas'),
      DEVICE_SWEEP_INTERVAL_MS: '0',
    };
    replicas = [new AlertStack(env, DEVICES), new AlertStack(env, DEVICES)];
    // One after the other: the second finds the schema migrated.
    for (const replica of replicas) await replica.start();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    postgres?.stop();
  });

  it('skip on every replica what one replica learnt', async () => {
    const [first, second] = replicas;
    const rule = await first.createRule(newRule('Too humid', { sensorType: HUMIDITY, threshold: 80 }));
    first.registry.statuses['retired-1'] = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;
    await expect(first.evaluate([humid('h-1', 'retired-1', 0)])).resolves.toMatchObject({
      changedAlerts: [],
    });
    // The second replica's registry would call the device active, and is not asked.
    await expect(second.evaluate([humid('h-2', 'retired-1', 10)])).resolves.toMatchObject({
      changedAlerts: [],
    });
    expect(asked(second, 'retired-1')).toBe(0);
    await expect(first.alertsOf(rule.id)).resolves.toEqual([]);
  });
});
