import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { decodeStatusDetails, millisFromTimestamp, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  type NotificationClient,
  type NotificationRecord,
  type SendNotificationRequest,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import { failure, notificationClient, settled, startNotification } from './notification-process.js';

const logRequest = (
  key: string,
  changes: Partial<SendNotificationRequest> = {},
): SendNotificationRequest => ({
  idempotencyKey: key,
  kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
  channel: Channel.CHANNEL_LOG,
  recipient: '',
  subject: 'Boiler too hot',
  body: 'temperature 91 celsius above 90 for 5m',
  attributes: { alert_id: key },
  orderingKey: '',
  ...changes,
});
const list = { status: 0, channel: 0, kind: 0, pageSize: 0, pageToken: '' };

describe('notification service over gRPC (log channel only)', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let client: GrpcClient<NotificationClient>;
  const api = () => client.service;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-'));
    service = await startNotification({ DATA_DIR: dataDir });
    client = notificationClient(service.grpcAddress);
  });
  afterAll(async () => {
    // Optional chaining: when start-up failed, still release what did start.
    client?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues once per idempotency key and delivers to the log', async () => {
    const first = await firstValueFrom(api().sendNotification(logRequest('alert-1')));
    expect(first.duplicate).toBe(false);
    expect(first.notification).toMatchObject({
      id: expect.stringMatching(/^ntf-[0-9a-f]{16}$/) as unknown,
      status: DeliveryStatus.DELIVERY_STATUS_PENDING,
      attempts: 0,
    });
    const again = await firstValueFrom(api().sendNotification(logRequest('alert-1')));
    expect(again.duplicate).toBe(true);
    expect(again.notification?.id).toBe(first.notification?.id);
    // The key used for another notification: refused, since that one was never queued.
    const reused = await failure(
      api().sendNotification(logRequest('alert-1', { subject: 'another notification' })),
    );
    expect([reused.code, decodeStatusDetails(reused.metadata)?.errorInfo?.reason]).toEqual([
      status.ALREADY_EXISTS,
      'NOTIFICATION.IDEMPOTENCY_KEY_REUSED',
    ]);

    const delivered = await settled(api(), first.notification!.id);
    expect(delivered).toMatchObject({ status: DeliveryStatus.DELIVERY_STATUS_DELIVERED, attempts: 1 });
    expect(delivered.deliverTime?.seconds).toBeGreaterThan(0);
    expect(delivered.nextAttemptTime).toBeUndefined();
    const line = await service.waitForLog((l) => l.msg === 'notification');
    expect(line['notification']).toMatchObject({
      id: first.notification!.id,
      kind: 'NOTIFICATION_KIND_ALERT_FIRING',
      subject: 'Boiler too hot',
      attributes: { alert_id: 'alert-1' },
    });
    expect(service.logs.filter((l) => l.msg === 'notification')).toHaveLength(1);
  });

  it('sends the verification message to the log when no SMTP server is configured', async () => {
    const request = { deviceId: 'boiler-1', deviceName: 'Boiler', ownerEmail: 'ops@example.com' };
    const { notification } = await firstValueFrom(api().sendVerificationEmail(request));
    expect(notification).toMatchObject({
      idempotencyKey: 'verify:boiler-1',
      kind: NotificationKind.NOTIFICATION_KIND_DEVICE_VERIFICATION,
      channel: Channel.CHANNEL_LOG,
      recipient: '',
      attributes: { device_id: 'boiler-1', owner_email: 'ops@example.com' },
    });
    const again = await firstValueFrom(api().sendVerificationEmail(request));
    expect(again.notification?.id).toBe(notification?.id);
    await expect(settled(api(), notification!.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
    });
  });

  it('lists newest first with filters and page tokens', async () => {
    for (let i = 0; i < 5; i++) {
      await firstValueFrom(
        api().sendNotification(
          logRequest(`resolved-${i}`, { kind: NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED }),
        ),
      );
    }
    const seen: NotificationRecord[] = [];
    let pageToken = '';
    do {
      const page = await firstValueFrom(
        api().listNotifications({
          ...list,
          kind: NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED,
          pageSize: 2,
          pageToken,
        }),
      );
      seen.push(...page.notifications);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen.map((n) => n.idempotencyKey).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `resolved-${i}`));
    // Newest first; records made in the same millisecond may come in either order.
    const times = seen.map((n) => millisFromTimestamp(n.createTime!));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const verification = await firstValueFrom(
      api().listNotifications({ ...list, kind: NotificationKind.NOTIFICATION_KIND_DEVICE_VERIFICATION }),
    );
    expect(verification.notifications.map((n) => n.idempotencyKey)).toEqual(['verify:boiler-1']);
    const email = await firstValueFrom(api().listNotifications({ ...list, channel: Channel.CHANNEL_EMAIL }));
    expect(email.notifications).toEqual([]);
  });

  it('rejects bad input with INVALID_ARGUMENT and every field violation, storing nothing', async () => {
    const error = await failure(
      api().sendNotification(
        logRequest('', {
          kind: 0,
          channel: Channel.CHANNEL_EMAIL,
          recipient: 'not-an-address',
          subject: 'two\r\nlines',
          body: '',
          attributes: { 'Bad Key': 'x' },
        }),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    const fields = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => v.field);
    expect(fields).toEqual(['idempotency_key', 'kind', 'recipient', 'subject', 'body', 'attributes.Bad Key']);

    const cases: SendNotificationRequest[] = [
      logRequest('k'.repeat(201)),
      logRequest('bad-kind', { kind: 42 as NotificationKind }),
      logRequest('bad-channel', { channel: 42 as Channel }),
      logRequest('log-with-recipient', { recipient: 'ops@example.com' }),
      logRequest('long-body', { body: 'b'.repeat(20_001) }),
    ];
    for (const request of cases) {
      expect((await failure(api().sendNotification(request))).code).toBe(status.INVALID_ARGUMENT);
    }
    const badVerification = await failure(
      api().sendVerificationEmail({ deviceId: '', deviceName: 'x', ownerEmail: 'nope' }),
    );
    expect(badVerification.code).toBe(status.INVALID_ARGUMENT);
    const all = await firstValueFrom(api().listNotifications({ ...list, pageSize: 500 }));
    expect(all.notifications.map((n) => n.idempotencyKey)).not.toContain('bad-kind');

    expect((await failure(api().getNotification({ id: '' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(api().listNotifications({ ...list, pageToken: 'forged' }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect((await failure(api().listNotifications({ ...list, pageSize: -1 }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect((await failure(api().listNotifications({ ...list, status: 9 as DeliveryStatus }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });

  it('answers NOT_FOUND for unknown ids and FAILED_PRECONDITION for channels not configured', async () => {
    expect((await failure(api().getNotification({ id: 'ntf-missing' }))).code).toBe(status.NOT_FOUND);
    const email = await failure(
      api().sendNotification(
        logRequest('mail-1', { channel: Channel.CHANNEL_EMAIL, recipient: 'a@example.com' }),
      ),
    );
    expect(email.code).toBe(status.FAILED_PRECONDITION);
    const webhook = await failure(
      api().sendNotification(
        logRequest('hook-1', { channel: Channel.CHANNEL_WEBHOOK, recipient: 'http://127.0.0.1:1/hook' }),
      ),
    );
    expect(webhook.code).toBe(status.FAILED_PRECONDITION);
  });

  it('keeps its outbox across a restart and stops cleanly on SIGTERM', async () => {
    await expect(service.stop()).resolves.toEqual({ code: 0, signal: null });
    service = await startNotification({ DATA_DIR: dataDir });
    client.close();
    client = notificationClient(service.grpcAddress);
    const again = await firstValueFrom(api().sendNotification(logRequest('alert-1')));
    expect(again).toMatchObject({
      duplicate: true,
      notification: { status: DeliveryStatus.DELIVERY_STATUS_DELIVERED },
    });
  });
});
