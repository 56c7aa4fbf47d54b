import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  type NotificationClient,
  type SendNotificationRequest,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import { notificationClient, settled, startNotification } from './notification-process.js';
import { WebhookReceiver } from './webhook-receiver.js';

// An operator rotates the receiver's URL (its token) while webhooks back off against the old one, and
// restarts with the new WEBHOOK_URL: the backlog for the default webhook goes to the new URL, in order.
describe('pending webhooks when WEBHOOK_URL changes', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let service: ServiceProcess | undefined;
  let client: GrpcClient<NotificationClient> | undefined;
  const api = () => client!.service;
  const start = async (urls: string[]) => {
    service = await startNotification({
      DATA_DIR: dataDir,
      WEBHOOK_URL: urls.map((path) => receiver.url(path)).join(','),
      WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
      DELIVERY_MAX_ATTEMPTS: '50',
      DELIVERY_BACKOFF_MS: '200',
      DELIVERY_MAX_BACKOFF_MS: '200',
    });
    client = notificationClient(service.grpcAddress);
  };
  const stop = async () => {
    client?.close();
    await service?.stop();
  };
  const alert = (kind: NotificationKind, recipient = ''): SendNotificationRequest => ({
    idempotencyKey: `alert:a-1:${NotificationKind[kind]}:webhook`,
    kind,
    channel: Channel.CHANNEL_WEBHOOK,
    recipient,
    subject: NotificationKind[kind],
    body: 'b',
    attributes: {},
    orderingKey: 'alert:a-1',
  });
  const send = async (request: SendNotificationRequest) => firstValueFrom(api().sendNotification(request));
  const attempted = async (id: string) => {
    while (receiver.requestsFor(id).length === 0) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-url-change-'));
    receiver = await WebhookReceiver.start({
      '/old-token': () => ({ status: 503 }),
      '/named': () => ({ status: 503 }),
      '/new-token': () => ({ status: 204 }),
    });
  });
  afterAll(async () => {
    await stop();
    await receiver?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the default webhook’s backlog to the new URL in order, and fails only a named URL removed', async () => {
    await start(['/old-token', '/named']);
    const firing = (await send(alert(NotificationKind.NOTIFICATION_KIND_ALERT_FIRING))).notification!;
    const resolved = (await send(alert(NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED))).notification!;
    const named = (
      await send({
        ...alert(NotificationKind.NOTIFICATION_KIND_ALERT_FIRING, receiver.url('/named')),
        idempotencyKey: 'named-1',
        orderingKey: '',
      })
    ).notification!;
    // The record says "the default webhook", not the URL of the moment; a named one shows its host.
    expect(firing.recipient).toBe('');
    expect(named.recipient).toBe(`${receiver.url('')}/…`);
    await attempted(firing.id);
    await attempted(named.id);
    await stop();

    await start(['/new-token']);

    await expect(settled(api(), firing.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      recipient: '',
    });
    await expect(settled(api(), resolved.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
    });
    await expect(settled(api(), named.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      lastError: 'the webhook URL is no longer configured',
    });
    const posted = receiver.received
      .filter((request) => request.path === '/new-token')
      .map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(posted).toEqual([firing.id, resolved.id]);
    // The sender's retry, with the default or with the URL that is the default now, is the same one.
    for (const recipient of ['', receiver.url('/new-token')]) {
      await expect(
        send(alert(NotificationKind.NOTIFICATION_KIND_ALERT_FIRING, recipient)),
      ).resolves.toMatchObject({
        duplicate: true,
        notification: { id: firing.id },
      });
    }
  });
});
