import type { Logger } from 'pino';
import type { NotificationTransport } from '../../delivery/notification-transport.port.js';
import { Channel, NotificationKind, type Notification } from '../../notifications/domain/notification.js';

/** The default channel: the notification becomes one structured log line, for log pipelines to pick up. */
export class LogTransport implements NotificationTransport {
  readonly channel = Channel.CHANNEL_LOG;

  constructor(private readonly logger: Logger) {}

  deliver(notification: Notification): Promise<void> {
    this.logger.info(
      {
        notification: {
          id: notification.id,
          idempotencyKey: notification.idempotencyKey,
          kind: NotificationKind[notification.kind],
          subject: notification.subject,
          body: notification.body,
          attributes: notification.attributes,
        },
      },
      'notification',
    );
    return Promise.resolve();
  }

  close(): void {}
}
