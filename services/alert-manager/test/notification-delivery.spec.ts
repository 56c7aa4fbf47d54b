import { FailedPreconditionError, toGrpcError } from '@iot-mesh/platform';
import { eventually, newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';

// What the notification service gets from the running alert manager; the stub judges each
// notification by the notification service's own rules.

describe('alert notifications the notification service accepts, and those it refuses', () => {
  const stack = new AlertStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('delivers the alert of a rule with the longest name on a device with the longest id', async () => {
    const name =
      'Cold-store compressor discharge temperature exceeds the manufacturer limit; call facilities on-call!';
    // The registry's longest device id: 63 characters.
    const deviceId = `eu-west-3-warehouse-17-coldroom-04-compressor-b-${'x'.repeat(15)}`;
    expect([name.length, deviceId.length]).toEqual([100, 63]);
    await stack.createRule(newRule(name, { scope: { deviceId } }));
    const [alert] = (await stack.evaluate([reading('long-1', deviceId, 45, 0)])).changedAlerts;

    const key = `alert:${alert.id}:FIRING:log`;
    const accepted = await eventually(() =>
      stack.notifications.accepted.find((n) => n.idempotencyKey === key),
    );
    expect(accepted.subject).toHaveLength(200);
    expect(accepted.subject).toMatch(/^\[CRITICAL\] Firing: Cold-store .*…$/);
    expect(accepted.body.split('\n')[0]).toBe(alert.summary);
    expect(alert.summary).toContain(deviceId);
  });

  it('keeps a notification the service refused for good out of later rounds, logged once and counted', async () => {
    const refusal = toGrpcError(
      new FailedPreconditionError(
        'NOTIFICATION.CHANNEL_NOT_CONFIGURED',
        'the log channel is not configured on this service',
      ),
    );
    stack.notifications.failWhen = (request) =>
      request.attributes['device_id'] === 'refused-1' ? refusal : undefined;
    const rejectedBefore = await stack.metric(
      'alert_manager_notification_handovers_total',
      'result="rejected"',
    );
    await stack.createRule(newRule('Refused', { scope: { deviceId: 'refused-1' } }));
    const [alert] = (await stack.evaluate([reading('ref-1', 'refused-1', 45, 0)])).changedAlerts;
    const key = `alert:${alert.id}:FIRING:log`;

    await eventually(
      async () =>
        (await stack.metric('alert_manager_notification_handovers_total', 'result="rejected"')) ===
        rejectedBefore + 1,
    );
    const logged = await eventually(() =>
      stack.logs.find(
        (l) => l.msg.startsWith('notification refused for good') && l['idempotencyKey'] === key,
      ),
    );
    expect(logged).toMatchObject({
      level: 'error',
      reason:
        'FailedPrecondition NOTIFICATION.CHANNEL_NOT_CONFIGURED: the log channel is not configured on this service',
    });
    // Polls and retries go on every 100 ms: later notifications get through, the refused one is not sent again.
    await stack.createRule(newRule('After', { scope: { deviceId: 'after-1' } }));
    const [later] = (await stack.evaluate([reading('aft-1', 'after-1', 45, 0)])).changedAlerts;
    await eventually(() => stack.sent()[`alert:${later.id}:FIRING:log`]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(stack.sent()[key]).toBe(1);
    expect(stack.logs.filter((l) => l['idempotencyKey'] === key && l.level === 'error')).toHaveLength(1);
  });
});
