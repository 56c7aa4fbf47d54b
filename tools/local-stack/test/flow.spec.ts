import { timestampFromMillis } from '@iot-mesh/platform';
import { AlertState, Operator, Severity } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { Stack } from '../src/stack.js';
import { stackClients } from './stack-clients.js';
import { eventually } from '@iot-mesh/platform/testing';
import { signatureIsValid, startTestStack, type TestStack } from './test-stack.js';

const minute = Math.floor(Date.now() / 60_000) * 60_000;
const reading = (id: string, value: number, unit: string, second: number): Reading => ({
  readingId: id,
  deviceId: 'flow-thermo-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value,
  unit,
  timestamp: timestampFromMillis(minute + second * 1000),
  customSensor: '',
});

describe('the whole flow across all five services', () => {
  let testStack: TestStack;
  let stack: Stack;
  let webhook: TestStack['webhook'];
  let api: ReturnType<typeof stackClients>;

  beforeAll(async () => {
    testStack = await startTestStack();
    ({ stack, webhook } = testStack);
    api = stackClients(stack);
  }, 120_000);
  afterAll(async () => {
    api?.close();
    await testStack?.close();
  });

  it('starts every service of the catalog', () => {
    expect(stack.notBuilt).toEqual([]);
    expect(stack.services.map((s) => s.name).sort()).toEqual([
      'alert-manager',
      'data-processor',
      'device-registry',
      'edge-gateway',
      'notification',
      'sensor-ingestion',
    ]);
  });

  it('registers a device, aggregates its readings once, fires and resolves an alert with signed webhooks', async () => {
    await firstValueFrom(
      api.registry.createDevice({
        deviceId: 'flow-thermo-1',
        sendVerificationEmail: true,
        device: {
          id: '',
          name: 'Flow thermometer',
          type: SensorType.SENSOR_TYPE_TEMPERATURE,
          customType: '',
          location: { site: 'lab', zone: '', latitude: 0, longitude: 0 },
          ownerEmail: 'ops@example.com',
          status: DeviceStatus.DEVICE_STATUS_ACTIVE,
          labels: {},
        },
      }),
    );
    // The registry asked the notification service to email the owner (the log channel, without SMTP).
    const verification = await eventually(async () => {
      const { notifications } = await firstValueFrom(
        api.notifications.listNotifications({
          status: 0,
          channel: 0,
          kind: NotificationKind.NOTIFICATION_KIND_DEVICE_VERIFICATION,
          pageSize: 10,
          pageToken: '',
        }),
      );
      return notifications.find((n) => n.idempotencyKey === 'verify:flow-thermo-1');
    }, 'the verification email');
    expect(verification.attributes).toMatchObject({ owner_email: 'ops@example.com' });

    const rule = await firstValueFrom(
      api.alerts.createRule({
        rule: {
          id: '',
          name: 'too hot',
          scope: { deviceId: 'flow-thermo-1' },
          sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
          operator: Operator.OPERATOR_GREATER_THAN,
          threshold: 30,
          thresholdHigh: 0,
          forDuration: { seconds: 0, nanos: 0 },
          severity: Severity.SEVERITY_CRITICAL,
          hysteresis: 1,
          enabled: true,
        },
      }),
    );

    // A mixed batch: two valid readings (one in fahrenheit) and one that is not a number.
    const mixed = await firstValueFrom(
      api.ingestion.ingestBatch({
        readings: [
          reading('r1', 20, 'celsius', 1),
          reading('r2', 77, 'fahrenheit', 2),
          reading('r-bad', Number.NaN, 'celsius', 3),
        ],
      }),
    );
    expect(mixed.result).toMatchObject({ acceptedCount: 2, duplicateCount: 0 });
    expect(mixed.result?.rejections.map((r) => r.readingId)).toEqual(['r-bad']);
    // The same reading again is recognised and not counted twice.
    const again = await firstValueFrom(
      api.ingestion.ingestBatch({ readings: [reading('r1', 20, 'celsius', 1)] }),
    );
    expect(again.result?.duplicateCount).toBe(1);

    const aggregates = await firstValueFrom(
      api.processor.getAggregates({
        deviceId: 'flow-thermo-1',
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        window: Window.WINDOW_ONE_HOUR,
        pageSize: 10,
        pageToken: '',
      }),
    );
    expect(aggregates.aggregates[0]).toMatchObject({ count: 2, min: 20, max: 25, avg: 22.5 });

    await firstValueFrom(api.ingestion.ingest({ reading: reading('r3', 35, 'celsius', 4) }));
    const firing = await eventually(async () => {
      const { alerts } = await firstValueFrom(
        api.alerts.listAlerts({
          filter: { state: AlertState.ALERT_STATE_FIRING, severity: 0, deviceId: '', ruleId: rule.rule!.id },
          pageSize: 10,
          pageToken: '',
        }),
      );
      return alerts[0];
    }, 'a firing alert');
    expect(firing).toMatchObject({ deviceId: 'flow-thermo-1', value: 35 });
    const fired = await eventually(() => Promise.resolve(webhook.received[0]), 'the firing webhook');
    expect(signatureIsValid(fired)).toBe(true);
    expect(fired.body).toContain(firing.id);

    await firstValueFrom(api.ingestion.ingest({ reading: reading('r4', 20, 'celsius', 5) }));
    const resolved = await eventually(async () => {
      const { alert } = await firstValueFrom(api.alerts.getAlert({ id: firing.id }));
      return alert?.state === AlertState.ALERT_STATE_RESOLVED ? alert : undefined;
    }, 'the alert to resolve');
    expect(resolved.resolveTime?.seconds).toBeGreaterThan(0);
    const resolvedHook = await eventually(() => Promise.resolve(webhook.received[1]), 'the resolved webhook');
    expect(signatureIsValid(resolvedHook)).toBe(true);
    expect(webhook.received).toHaveLength(2);
  });
});
