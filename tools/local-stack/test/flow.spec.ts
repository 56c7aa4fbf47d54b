import { timestampFromMillis } from '@iot-mesh/platform';
import { AlertState, Operator, Severity } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { NotificationKind } from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { Stack } from '../src/stack.js';
import { restClient } from './gateway-client.js';
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
          customSensor: '',
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
        customSensor: '',
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

  it('keeps the custom quantities of one device apart, in windows and in rules, over REST', async () => {
    const rest = restClient(stack);
    const device = await rest('POST', '/api/v1/devices', {
      body: {
        id: 'flow-air-1',
        name: 'Air quality',
        type: 'SENSOR_TYPE_CUSTOM',
        customType: 'air',
        ownerEmail: 'ops@example.com',
        status: 'DEVICE_STATUS_ACTIVE',
      },
    });
    expect(device.status).toBe(201);
    const apiKey = (
      (await rest('POST', '/api/v1/devices/flow-air-1/keys', { body: {} })).body as { apiKey: string }
    ).apiKey;
    const customRule = {
      name: 'co2 too high',
      scope: { deviceId: 'flow-air-1' },
      sensorType: 'SENSOR_TYPE_CUSTOM',
      operator: 'OPERATOR_GREATER_THAN',
      threshold: 1000,
      severity: 'SEVERITY_WARNING',
      enabled: true,
    };
    const unnamed = await rest('POST', '/api/v1/rules', { body: customRule });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toMatchObject({
      error: {
        details: [expect.objectContaining({ field: 'customSensor', reason: 'RULE.CUSTOM_SENSOR_REQUIRED' })],
      },
    });
    const rule = await rest('POST', '/api/v1/rules', { body: { ...customRule, customSensor: 'co2' } });
    expect(rule.status).toBe(201);
    const ruleId = (rule.body as { id: string }).id;

    const custom = (id: string, customSensor: string, value: number, second: number) => ({
      readingId: id,
      sensorType: 'SENSOR_TYPE_CUSTOM',
      customSensor,
      value,
      unit: customSensor === 'co2' ? 'ppm' : 'db',
      timestamp: new Date(minute + second * 1000).toISOString(),
    });
    const batch = await rest('POST', '/api/v1/readings/batch', {
      as: { apiKey },
      body: {
        readings: [
          custom('c1', 'co2', 1200, 10),
          custom('n1', 'noise', 40, 11),
          custom('c2', 'co2', 1300, 12),
          custom('n2', 'noise', 45, 13),
          custom('x1', '', 5, 14),
        ],
      },
    });
    expect(batch.status).toBe(200);
    // A rejection names the field as the REST API spells it.
    expect(batch.body).toMatchObject({
      acceptedCount: 4,
      rejections: [{ index: 4, field: 'customSensor', reason: 'READING.CUSTOM_SENSOR_REQUIRED' }],
    });

    type Aggregates = {
      aggregates: { deviceId: string; customSensor: string; count: string; avg: number }[];
    };
    const aggregates = async (query: string) => {
      const response = await rest(
        'GET',
        `/api/v1/aggregates?sensorType=SENSOR_TYPE_CUSTOM&window=WINDOW_ONE_HOUR${query}`,
      );
      expect(response.status).toBe(200);
      return (response.body as Aggregates).aggregates.map((a) => [
        a.deviceId,
        a.customSensor,
        Number(a.count),
        a.avg,
      ]);
    };
    expect(await aggregates('&deviceId=flow-air-1&customSensor=co2')).toEqual([
      ['flow-air-1', 'co2', 2, 1250],
    ]);
    // Every quantity of the device: one window each, by name.
    expect(await aggregates('&deviceId=flow-air-1')).toEqual([
      ['flow-air-1', 'co2', 2, 1250],
      ['flow-air-1', 'noise', 2, 42.5],
    ]);
    expect(await aggregates('&customSensor=noise')).toEqual([['flow-air-1', 'noise', 2, 42.5]]);
    const wrongType = await rest(
      'GET',
      '/api/v1/aggregates?deviceId=flow-air-1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR&customSensor=co2',
    );
    expect(wrongType.status).toBe(400);

    // The co2 rule fired on co2 alone; the noise readings, far under its threshold, did not resolve it.
    type Alerts = { alerts: { ruleId: string; state: string; value: number; customSensor: string }[] };
    const alert = await eventually(async () => {
      const { alerts } = (await rest('GET', `/api/v1/alerts?ruleId=${ruleId}`)).body as Alerts;
      return alerts[0]?.state === 'ALERT_STATE_FIRING' ? alerts : undefined;
    }, 'the co2 alert');
    expect(alert).toEqual([expect.objectContaining({ customSensor: 'co2', value: 1300 })]);
    const listed = (await rest('GET', '/api/v1/rules?sensorType=SENSOR_TYPE_CUSTOM&customSensor=co2'))
      .body as {
      rules: { id: string }[];
    };
    expect(listed.rules.map((r) => r.id)).toEqual([ruleId]);
  });
});
