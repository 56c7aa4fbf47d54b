import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
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
import { verifyWebhookSignature } from '../src/delivery/domain/webhook-signature.js';
import { failure, notificationClient, settled, startNotification } from './notification-process.js';
import { WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'test-webhook-secret-0123456789';
const MAX_ATTEMPTS = 4;
// A receiver whose credential is in the URL, as many are.
const TOKENED = '/hook?token=SECRET-TOKEN-IN-URL';

describe('webhook delivery', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let service: ServiceProcess;
  let client: GrpcClient<NotificationClient>;
  const api = () => client.service;
  const start = () =>
    startNotification({
      DATA_DIR: dataDir,
      // The first URL is the default; each path plays a different receiver.
      WEBHOOK_URL: ['/ok', '/flaky', '/down', '/slow', TOKENED].map((path) => receiver.url(path)).join(','),
      WEBHOOK_SECRET: SECRET,
      DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      DELIVERY_BACKOFF_MS: '20',
      DELIVERY_MAX_BACKOFF_MS: '40',
    });
  const send = async (key: string, recipient: string) => {
    const request: SendNotificationRequest = {
      idempotencyKey: key,
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_WEBHOOK,
      recipient,
      subject: 'Boiler too hot',
      body: 'temperature 91 celsius above 90 for 5m',
      attributes: { alert_id: key, severity: 'critical' },
      orderingKey: '',
    };
    const { notification } = await firstValueFrom(api().sendNotification(request));
    return notification!;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-webhook-'));
    receiver = await WebhookReceiver.start({
      '/ok': () => ({ status: 204 }),
      '/flaky': (attempt) => ({ status: attempt <= 2 ? 503 : 200 }),
      '/down': () => ({ status: 500 }),
      '/slow': () => ({ status: 200, delayMs: 300 }),
      [TOKENED]: () => ({ status: 204 }),
    });
    service = await start();
    client = notificationClient(service.grpcAddress);
  });
  afterAll(async () => {
    // Optional chaining: when start-up failed, still release what did start.
    client?.close();
    await service?.stop();
    await receiver?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts signed JSON to the default URL', async () => {
    const queued = await send('hook-ok', '');
    // The default webhook: the first URL when it is attempted.
    expect(queued.recipient).toBe('');
    await expect(settled(api(), queued.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 1,
    });
    const [request] = receiver.requestsFor(queued.id);
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = request.headers['x-iotmesh-timestamp'] as string;
    const signature = request.headers['x-iotmesh-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, timestamp, request.body, signature)).toBe(true);
    expect(verifyWebhookSignature('some-other-secret-value', timestamp, request.body, signature)).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({
      id: queued.id,
      idempotency_key: 'hook-ok',
      kind: 'NOTIFICATION_KIND_ALERT_FIRING',
      subject: 'Boiler too hot',
      attributes: { alert_id: 'hook-ok', severity: 'critical' },
    });
  });

  it('retries with backoff: fails twice, then delivered on the third attempt', async () => {
    const queued = await send('hook-flaky', receiver.url('/flaky'));
    const record = await settled(api(), queued.id);
    expect(record).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 3,
      lastError: 'webhook answered HTTP 503',
    });
    expect(receiver.requestsFor(queued.id).map((r) => r.path)).toEqual(['/flaky', '/flaky', '/flaky']);
  });

  it('dead-letters after the maximum number of attempts', async () => {
    const queued = await send('hook-down', receiver.url('/down'));
    const record = await settled(api(), queued.id);
    expect(record).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      attempts: MAX_ATTEMPTS,
      lastError: 'webhook answered HTTP 500',
    });
    expect(record.deliverTime).toBeUndefined();
    expect(receiver.requestsFor(queued.id)).toHaveLength(MAX_ATTEMPTS);
    const failed = await firstValueFrom(
      api().listNotifications({
        status: DeliveryStatus.DELIVERY_STATUS_FAILED,
        channel: Channel.CHANNEL_WEBHOOK,
        kind: 0,
        pageSize: 10,
        pageToken: '',
      }),
    );
    expect(failed.notifications.map((n) => n.id)).toEqual([queued.id]);
    const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /notification_delivery_attempts_total\{channel="webhook",outcome="failed"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /notification_queued_total\{channel="webhook",kind="NOTIFICATION_KIND_ALERT_FIRING"/,
    );
  });

  it('shows operators a webhook URL without its path, query or token', async () => {
    const queued = await send('hook-tokened', receiver.url(TOKENED));
    const shown = `${receiver.url('')}/…`;
    expect(queued.recipient).toBe(shown);
    await expect(settled(api(), queued.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      recipient: shown,
    });
    expect(receiver.requestsFor(queued.id).map((r) => r.path)).toEqual([TOKENED]);
    const listed = await firstValueFrom(
      api().listNotifications({
        status: 0,
        channel: Channel.CHANNEL_WEBHOOK,
        kind: 0,
        pageSize: 100,
        pageToken: '',
      }),
    );
    expect(listed.notifications.find((n) => n.id === queued.id)?.recipient).toBe(shown);
    expect(JSON.stringify(listed)).not.toContain('SECRET-TOKEN');
  });

  it('never posts to a URL that is not configured', async () => {
    for (const recipient of ['http://127.0.0.1:9/elsewhere', `${receiver.url('/ok')}?x=1`]) {
      expect(
        (
          await failure(
            api().sendNotification({
              idempotencyKey: `hook-${recipient}`,
              kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
              channel: Channel.CHANNEL_WEBHOOK,
              recipient,
              subject: 's',
              body: 'b',
              attributes: {},
              orderingKey: '',
            }),
          )
        ).code,
      ).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('finishes a running attempt before it exits on SIGTERM', async () => {
    const queued = await send('hook-slow', receiver.url('/slow'));
    while (receiver.requestsFor(queued.id).length === 0) await new Promise((r) => setTimeout(r, 10));
    await expect(service.stop()).resolves.toEqual({ code: 0, signal: null });
    service = await start();
    client.close();
    client = notificationClient(service.grpcAddress);
    await expect(firstValueFrom(api().getNotification({ id: queued.id }))).resolves.toMatchObject({
      notification: { status: DeliveryStatus.DELIVERY_STATUS_DELIVERED, attempts: 1 },
    });
    expect(receiver.requestsFor(queued.id)).toHaveLength(1);
  });
});
