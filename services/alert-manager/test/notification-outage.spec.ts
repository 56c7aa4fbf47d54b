import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type { GrpcClient } from '@iot-mesh/platform';
import { freePort, scrapeMetricSum, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { AlertManagerClient } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { firstValueFrom } from 'rxjs';
import { alertClient, eventually, newRule, reading, startAlertManager } from './alert-manager-process.js';
import { countByKey, startNotificationStub } from './stub-services.js';

type Notifications = Awaited<ReturnType<typeof startNotificationStub>>;

const HAND_OVER_STREAK = 'handing notifications to the notification service';

describe('notifications while the notification service is down', () => {
  let dataDir: string;
  let notificationPort: number;
  let notifications: Notifications | undefined;
  let service: ServiceProcess;
  let client: GrpcClient<AlertManagerClient>;
  const api = () => client.service;
  const start = async () => {
    service = await startAlertManager({
      DATA_DIR: dataDir,
      NOTIFICATION_ADDRESS: `127.0.0.1:${notificationPort}`,
    });
    client = alertClient(service.grpcAddress);
  };
  const handOverFailures = () =>
    scrapeMetricSum(service.adminUrl, 'alert_manager_notification_handovers_total', 'result="failed"');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'outage-'));
    notificationPort = await freePort();
    await start();
  });
  afterAll(async () => {
    client.close();
    await service.stop();
    await notifications?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps notifications through an outage and a restart, then sends each exactly once', async () => {
    const { rule } = await firstValueFrom(
      api().createRule({ rule: newRule('Outage', { scope: { deviceId: 'out-1' } }) }),
    );
    const fired = await firstValueFrom(
      api().evaluateReadings({ readings: [reading('o-1', 'out-1', 80, 0)] }),
    );
    const alertId = fired.changedAlerts[0].id;
    expect(fired.changedAlerts[0].ruleId).toBe(rule!.id);
    await eventually(async () => (await handOverFailures()) >= 2);
    // Every due entry fails in every round of an outage: the streak is logged once, not each failure.
    expect(service.logs.filter((l) => l.msg.startsWith(HAND_OVER_STREAK))).toHaveLength(1);

    // The alert manager restarts while the notification service is still down: nothing is lost.
    await service.stop();
    client.close();
    await start();
    await eventually(async () => (await handOverFailures()) >= 1);

    notifications = await startNotificationStub(notificationPort);
    const stub = notifications;
    await eventually(() => countByKey(stub.calls)[`alert:${alertId}:FIRING:log`]);
    await service.waitForLog((l) => l.msg === `${HAND_OVER_STREAK} works again`);

    // Once the service is back, the next transition goes straight through; the first was sent once.
    await firstValueFrom(api().evaluateReadings({ readings: [reading('o-2', 'out-1', 0, 10)] }));
    await eventually(() => countByKey(stub.calls)[`alert:${alertId}:RESOLVED:log`]);
    expect(countByKey(stub.calls)).toEqual({
      [`alert:${alertId}:FIRING:log`]: 1,
      [`alert:${alertId}:RESOLVED:log`]: 1,
    });
  });

  it('retries entries the service refused for a while', async () => {
    const stub = notifications!;
    stub.failWith = status.UNAVAILABLE;
    await firstValueFrom(api().createRule({ rule: newRule('Flaky', { scope: { deviceId: 'flaky-1' } }) }));
    const fired = await firstValueFrom(
      api().evaluateReadings({ readings: [reading('f-1', 'flaky-1', 80, 0)] }),
    );
    const key = `alert:${fired.changedAlerts[0].id}:FIRING:log`;
    await eventually(() => stub.calls.filter((c) => c.idempotencyKey === key).length >= 2);
    stub.failWith = undefined;
    const failedAttempts = stub.calls.filter((c) => c.idempotencyKey === key).length;
    await eventually(() => stub.calls.filter((c) => c.idempotencyKey === key).length > failedAttempts);
    // Accepted now: the entry left the outbox, so later rounds do not send it again.
    const accepted = stub.calls.filter((c) => c.idempotencyKey === key).length;
    await firstValueFrom(api().evaluateReadings({ readings: [reading('f-2', 'flaky-1', 0, 10)] }));
    await eventually(() => countByKey(stub.calls)[key.replace('FIRING', 'RESOLVED')]);
    expect(stub.calls.filter((c) => c.idempotencyKey === key)).toHaveLength(accepted);
  });
});
