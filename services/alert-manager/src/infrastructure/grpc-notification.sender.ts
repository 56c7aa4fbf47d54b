import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  Channel,
  NotificationDefinition,
  type NotificationClient,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import type { ChannelName, OutboxEntry } from '../notifications/domain/outbox-entry.js';
import type { NotificationSender } from '../notifications/notification-sender.port.js';
import { orderingKeyOf } from '../notifications/domain/alert-notification.js';
import { refusalOf } from './send-notification-refusal.js';

const CHANNELS: Record<ChannelName, Channel> = {
  log: Channel.CHANNEL_LOG,
  email: Channel.CHANNEL_EMAIL,
  webhook: Channel.CHANNEL_WEBHOOK,
};

/**
 * Notification.SendNotification; safe to retry because every entry carries its idempotency key. An
 * answer about the notification itself (refusalOf) rejects with NotificationRejectedError.
 */
export class GrpcNotificationSender implements NotificationSender {
  private readonly client: GrpcClient<NotificationClient>;

  constructor(address: string, tls: TlsSettings) {
    this.client = createGrpcClient<NotificationClient>(NotificationDefinition, {
      address,
      tls,
      deadlineMs: 3_000,
      idempotentMethods: ['SendNotification'],
    });
  }

  async send(entry: OutboxEntry): Promise<void> {
    try {
      await firstValueFrom(
        this.client.service.sendNotification({
          idempotencyKey: entry.idempotencyKey,
          kind: entry.kind,
          channel: CHANNELS[entry.channel],
          recipient: entry.recipient,
          subject: entry.subject,
          body: entry.body,
          attributes: entry.attributes,
          orderingKey: orderingKeyOf(entry),
        }),
      );
    } catch (error) {
      throw refusalOf(error) ?? error;
    }
  }

  close(): void {
    this.client.close();
  }
}
