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
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import { FakeSmtpServer, mailHeader, mailText } from './fake-smtp-server.js';
import { failure, notificationClient, settled, startNotification } from './notification-process.js';

describe('email delivery over SMTP', () => {
  let dataDir: string;
  let smtp: FakeSmtpServer;
  let service: ServiceProcess;
  let client: GrpcClient<NotificationClient>;
  const api = () => client.service;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-email-'));
    smtp = await FakeSmtpServer.start('bounce.example.com');
    service = await startNotification({
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'iot-mesh <noreply@iot-mesh.test>',
      DELIVERY_BACKOFF_MS: '20',
    });
    client = notificationClient(service.grpcAddress);
  });
  afterAll(async () => {
    // Optional chaining: when start-up failed, still release what did start.
    client?.close();
    await service?.stop();
    await smtp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('emails the verification message to the device owner', async () => {
    const { notification } = await firstValueFrom(
      api().sendVerificationEmail({
        deviceId: 'boiler-1',
        deviceName: 'Boiler',
        ownerEmail: 'owner@example.com',
      }),
    );
    expect(notification).toMatchObject({
      channel: Channel.CHANNEL_EMAIL,
      recipient: 'owner@example.com',
      idempotencyKey: 'verify:boiler-1',
    });
    await expect(settled(api(), notification!.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 1,
    });
    const mail = smtp.mails.find((m) => m.data.includes(notification!.id))!;
    expect(mail.from).toBe('noreply@iot-mesh.test');
    expect(mail.to).toEqual(['owner@example.com']);
    expect(mailHeader(mail, 'Subject')).toBe('Verify your new device "Boiler"');
    expect(mailHeader(mail, 'From')).toBe('"iot-mesh" <noreply@iot-mesh.test>');
    expect(mailText(mail)).toContain('the device "Boiler" (id boiler-1) was registered');
  });

  it('sends alert emails and refuses recipients that are no address', async () => {
    const request = {
      idempotencyKey: 'alert-7:firing',
      kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
      channel: Channel.CHANNEL_EMAIL,
      recipient: 'ops@example.com',
      subject: 'Boiler too hot',
      body: 'temperature 91 celsius\nabove 90 for 5m',
      attributes: {},
      orderingKey: '',
    };
    const { notification } = await firstValueFrom(api().sendNotification(request));
    await settled(api(), notification!.id);
    const mail = smtp.mails.find((m) => m.data.includes(notification!.id))!;
    expect(mail.to).toEqual(['ops@example.com']);
    expect(mailHeader(mail, 'Subject')).toBe('Boiler too hot');
    expect(mailText(mail)).toBe('temperature 91 celsius\r\nabove 90 for 5m');
    // By the platform's email rule; the last two nodemailer would send to ops@example.com, or as a group.
    for (const recipient of [
      '',
      'ops',
      'a@example.com, b@example.com',
      'ops(team)@example.com',
      'team:ops@example.com',
    ]) {
      const error = await failure(
        api().sendNotification({ ...request, idempotencyKey: `bad:${recipient}`, recipient }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('sends to an address with any of the special characters the email rule takes, as it is', async () => {
    const recipient = "o'brien+{ops}/team=1#~!@example.com";
    const { notification } = await firstValueFrom(
      api().sendNotification({
        idempotencyKey: 'alert-9:firing',
        kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
        channel: Channel.CHANNEL_EMAIL,
        recipient,
        subject: 'Boiler too hot',
        body: 'b',
        attributes: {},
        orderingKey: '',
      }),
    );
    await expect(settled(api(), notification!.id)).resolves.toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
    });
    const mail = smtp.mails.find((m) => m.data.includes(notification!.id))!;
    expect(mail.to).toEqual([recipient]);
    expect(mailHeader(mail, 'To')).toBe(recipient);
  });

  it('dead-letters at once when the server refuses the recipient for good', async () => {
    const { notification } = await firstValueFrom(
      api().sendNotification({
        idempotencyKey: 'alert-8:firing',
        kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
        channel: Channel.CHANNEL_EMAIL,
        recipient: 'nobody@bounce.example.com',
        subject: 'Boiler too hot',
        body: 'b',
        attributes: {},
        orderingKey: '',
      }),
    );
    const record = await settled(api(), notification!.id);
    expect(record).toMatchObject({ status: DeliveryStatus.DELIVERY_STATUS_FAILED, attempts: 1 });
    expect(record.lastError).toContain('550');
  });
});
