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
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import { notificationClient, settled, startNotification } from './notification-process.js';
import { WebhookReceiver } from './webhook-receiver.js';

const ALERTS = 10;

describe('webhook delivery order per ordering key', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let service: ServiceProcess;
  let client: GrpcClient<NotificationClient>;
  const api = () => client.service;

  const send = async (alert: number, kind: NotificationKind, recipient = '') => {
    const { notification } = await firstValueFrom(
      api().sendNotification({
        idempotencyKey: `alert:a-${alert}:${NotificationKind[kind]}:webhook`,
        kind,
        channel: Channel.CHANNEL_WEBHOOK,
        recipient,
        subject: `alert ${alert}`,
        body: 'b',
        attributes: { alert_id: `a-${alert}` },
        orderingKey: `alert:a-${alert}`,
      }),
    );
    return notification!;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-order-'));
    // A receiver with a blip: every notification's first request gets a 503, the retry a 200.
    receiver = await WebhookReceiver.start({ '/blip': (attempt) => ({ status: attempt === 1 ? 503 : 200 }) });
    service = await startNotification({
      DATA_DIR: dataDir,
      WEBHOOK_URL: receiver.url('/blip'),
      WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
      DELIVERY_BACKOFF_MS: '100',
      DELIVERY_MAX_BACKOFF_MS: '200',
      DELIVERY_POLL_INTERVAL_MS: '20',
    });
    client = notificationClient(service.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await receiver?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The kinds posted for `alert`, in order, each request (the 503s included). */
  const postedKinds = (alert: number) =>
    receiver.received
      .map((request) => JSON.parse(request.body) as Record<string, string>)
      .filter((p) => p.ordering_key === `alert:a-${alert}`)
      .map((p) => p.kind.replace('NOTIFICATION_KIND_ALERT_', ''));

  it('never posts an alert’s RESOLVED before its FIRING was delivered, and says the key in the payload', async () => {
    const queued = [];
    for (let alert = 0; alert < ALERTS; alert++) {
      queued.push(await send(alert, NotificationKind.NOTIFICATION_KIND_ALERT_FIRING));
      queued.push(await send(alert, NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED));
    }
    for (const notification of queued) {
      await expect(settled(api(), notification.id)).resolves.toMatchObject({
        status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
        orderingKey: notification.orderingKey,
      });
    }

    const outOfOrder = [];
    for (let alert = 0; alert < ALERTS; alert++) {
      const kinds = postedKinds(alert);
      // Two requests each (the 503, then the 200), every FIRING one before any RESOLVED one.
      if (kinds.join() !== 'FIRING,FIRING,RESOLVED,RESOLVED') outOfOrder.push([alert, kinds]);
    }
    expect(outOfOrder).toEqual([]);
  });

  it('keeps that order for a FIRING queued with the default webhook’s URL, as earlier versions stored it', async () => {
    const alert = ALERTS;
    const queued = [
      await send(alert, NotificationKind.NOTIFICATION_KIND_ALERT_FIRING, receiver.url('/blip')),
      await send(alert, NotificationKind.NOTIFICATION_KIND_ALERT_RESOLVED),
    ];
    for (const notification of queued) {
      await expect(settled(api(), notification.id)).resolves.toMatchObject({
        status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      });
    }
    expect(postedKinds(alert)).toEqual(['FIRING', 'FIRING', 'RESOLVED', 'RESOLVED']);
  });
});
