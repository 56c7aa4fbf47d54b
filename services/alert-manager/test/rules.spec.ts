import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { status } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { Operator, Severity, type AlertManagerClient } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { alertClient, failure, newRule, startAlertManager } from './alert-manager-process.js';

describe('alert rules over gRPC', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let client: GrpcClient<AlertManagerClient>;
  const api = () => client.service;
  const listAll = async (sensorType = SensorType.SENSOR_TYPE_UNSPECIFIED) =>
    (await firstValueFrom(api().listRules({ pageSize: 500, pageToken: '', sensorType, customSensor: '' })))
      .rules;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    service = await startAlertManager({ DATA_DIR: dataDir });
    client = alertClient(service.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, reads and lists rules with a sensor type filter and page tokens', async () => {
    const { rule } = await firstValueFrom(
      api().createRule({
        rule: newRule('Boiler too hot', {
          scope: { deviceId: 'boiler-1' },
          forDuration: { seconds: 90, nanos: 500_000_000 },
          hysteresis: 1.5,
        }),
      }),
    );
    expect(rule).toMatchObject({
      name: 'Boiler too hot',
      scope: { deviceId: 'boiler-1' },
      operator: Operator.OPERATOR_GREATER_THAN,
      forDuration: { seconds: 90, nanos: 500_000_000 },
      hysteresis: 1.5,
      enabled: true,
    });
    expect(rule?.id).toMatch(/^rule-[0-9a-f]{16}$/);
    expect(rule?.createTime?.seconds).toBeGreaterThan(0);
    await expect(firstValueFrom(api().getRule({ id: rule!.id }))).resolves.toEqual({ rule });

    await firstValueFrom(
      api().createRule({
        rule: newRule('Damp', {
          sensorType: SensorType.SENSOR_TYPE_HUMIDITY,
          scope: { deviceType: SensorType.SENSOR_TYPE_HUMIDITY },
          operator: Operator.OPERATOR_OUTSIDE_RANGE,
          threshold: 20,
          thresholdHigh: 70,
        }),
      }),
    );
    for (let i = 0; i < 4; i++) await firstValueFrom(api().createRule({ rule: newRule(`Bulk ${i}`) }));
    expect((await listAll(SensorType.SENSOR_TYPE_HUMIDITY)).map((r) => r.name)).toEqual(['Damp']);

    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await firstValueFrom(
        api().listRules({ pageSize: 2, pageToken, sensorType: 0, customSensor: '' }),
      );
      seen.push(...page.rules.map((r) => r.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('rejects invalid rules with every field violation, and stores nothing', async () => {
    const before = (await listAll()).length;
    const error = await failure(
      api().createRule({
        rule: newRule('', {
          scope: {},
          operator: Operator.OPERATOR_INSIDE_RANGE,
          threshold: 5,
          thresholdHigh: 1,
          forDuration: { seconds: 90_000, nanos: 0 },
          severity: 17 as Severity,
          hysteresis: Number.NaN,
        }),
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    const fields = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => v.field);
    expect(fields).toEqual(['name', 'scope', 'severity', 'threshold_high', 'for_duration', 'hysteresis']);
    expect((await failure(api().createRule({}))).code).toBe(status.INVALID_ARGUMENT);
    expect(
      (await failure(api().createRule({ rule: newRule('x', { scope: { allDevices: false } }) }))).code,
    ).toBe(status.INVALID_ARGUMENT);
    // Rules keep milliseconds: a nanosecond would have been stored as 0, firing at once.
    const fine = await failure(
      api().createRule({ rule: newRule('x', { forDuration: { seconds: 0, nanos: 1 } }) }),
    );
    expect(decodeStatusDetails(fine.metadata)?.badRequest?.fieldViolations).toEqual([
      expect.objectContaining({ field: 'for_duration', reason: 'RULE.FOR_DURATION' }),
    ]);
    expect(await listAll()).toHaveLength(before);
  });

  it('refuses a scope device id no device can have, naming the field', async () => {
    const before = (await listAll()).length;
    for (const deviceId of ['Boiler-1', 'boiler/1', 'boiler 1', '../x', 'ab']) {
      const error = await failure(api().createRule({ rule: newRule('Typo', { scope: { deviceId } }) }));
      expect([
        deviceId,
        error.code,
        decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations,
      ]).toEqual([
        deviceId,
        status.INVALID_ARGUMENT,
        [expect.objectContaining({ field: 'scope.device_id', reason: 'RULE.DEVICE_ID' })],
      ]);
    }
    expect(await listAll()).toHaveLength(before);
  });

  it('still reads, lists and deletes a rule stored before device ids were checked', async () => {
    const { rule } = await firstValueFrom(
      api().createRule({ rule: newRule('Old', { scope: { deviceId: 'boiler-9' } }) }),
    );
    const database = new DatabaseSync(join(dataDir, 'alert-manager.sqlite'));
    try {
      database.prepare('UPDATE rules SET scope_device_id = ? WHERE id = ?').run('Boiler-9', rule!.id);
    } finally {
      database.close();
    }
    await expect(firstValueFrom(api().getRule({ id: rule!.id }))).resolves.toMatchObject({
      rule: { scope: { deviceId: 'Boiler-9' } },
    });
    expect((await listAll()).map((r) => r.id)).toContain(rule!.id);
    await expect(firstValueFrom(api().deleteRule({ id: rule!.id }))).resolves.toEqual({});
  });

  it('answers NOT_FOUND and bad list requests with the right codes', async () => {
    expect((await failure(api().getRule({ id: 'rule-missing' }))).code).toBe(status.NOT_FOUND);
    expect((await failure(api().getRule({ id: '' }))).code).toBe(status.INVALID_ARGUMENT);
    const codes = await Promise.all([
      failure(api().listRules({ pageSize: 10, pageToken: 'forged', sensorType: 0, customSensor: '' })),
      failure(api().listRules({ pageSize: -1, pageToken: '', sensorType: 0, customSensor: '' })),
      failure(
        api().listRules({ pageSize: 10, pageToken: '', sensorType: 99 as SensorType, customSensor: '' }),
      ),
    ]);
    expect(codes.map((e) => e.code)).toEqual([
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
    ]);
  });

  it('updates only the fields named in the mask', async () => {
    const { rule } = await firstValueFrom(api().createRule({ rule: newRule('Before') }));
    const { rule: updated } = await firstValueFrom(
      api().updateRule({
        rule: newRule('ignored', { id: rule!.id, threshold: 45, severity: Severity.SEVERITY_INFO }),
        updateMask: ['threshold', 'severity'],
      }),
    );
    expect(updated).toMatchObject({
      id: rule!.id,
      name: 'Before',
      threshold: 45,
      severity: Severity.SEVERITY_INFO,
    });
    const attempts = await Promise.all([
      failure(api().updateRule({ rule: newRule('x', { id: rule!.id }), updateMask: [] })),
      failure(api().updateRule({ rule: newRule('x', { id: rule!.id }), updateMask: ['id'] })),
      failure(api().updateRule({ rule: newRule('x', { id: rule!.id, scope: {} }), updateMask: ['scope'] })),
      failure(
        api().updateRule({
          rule: newRule('x', { id: rule!.id, operator: Operator.OPERATOR_OUTSIDE_RANGE }),
          updateMask: ['operator'],
        }),
      ),
    ]);
    expect(attempts.map((e) => e.code)).toEqual(Array(4).fill(status.INVALID_ARGUMENT));
    const missing = await failure(
      api().updateRule({ rule: newRule('x', { id: 'rule-nope' }), updateMask: ['name'] }),
    );
    expect(missing.code).toBe(status.NOT_FOUND);
    await expect(firstValueFrom(api().getRule({ id: rule!.id }))).resolves.toMatchObject({
      rule: { name: 'Before', threshold: 45, operator: Operator.OPERATOR_GREATER_THAN },
    });
  });

  it('deletes rules', async () => {
    const { rule } = await firstValueFrom(api().createRule({ rule: newRule('Short-lived') }));
    await expect(firstValueFrom(api().deleteRule({ id: rule!.id }))).resolves.toEqual({});
    expect((await failure(api().getRule({ id: rule!.id }))).code).toBe(status.NOT_FOUND);
    expect((await failure(api().deleteRule({ id: rule!.id }))).code).toBe(status.NOT_FOUND);
  });

  it('keeps its rules across a restart', async () => {
    const before = await listAll();
    await service.stop();
    service = await startAlertManager({ DATA_DIR: dataDir });
    client.close();
    client = alertClient(service.grpcAddress);
    expect(await listAll()).toEqual(before);
  });
});
