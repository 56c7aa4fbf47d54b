import { createTransport } from 'nodemailer';
import type { EmailSettings } from '../../config.js';
import {
  PermanentDeliveryError,
  type NotificationTransport,
} from '../../delivery/notification-transport.port.js';
import { Channel, type Notification } from '../../notifications/domain/notification.js';

// nodemailer errors carry the SMTP reply code; 5xx means the server refused for good.
const smtpCode = (error: unknown): number | undefined =>
  typeof error === 'object' &&
  error !== null &&
  'responseCode' in error &&
  typeof error.responseCode === 'number'
    ? error.responseCode
    : undefined;

/** Email through an SMTP relay (SMTP_URL, SMTP_FROM) with nodemailer. */
export class SmtpEmailTransport implements NotificationTransport {
  readonly channel = Channel.CHANNEL_EMAIL;
  private readonly mailer: ReturnType<typeof createTransport>;

  constructor(settings: EmailSettings, timeoutMs: number) {
    this.mailer = createTransport(
      {
        url: settings.url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      },
      { from: settings.from },
    );
  }

  async deliver(notification: Notification): Promise<void> {
    try {
      await this.mailer.sendMail({
        to: notification.recipient,
        subject: notification.subject,
        text: notification.body,
        // Receivers (and support) can tie a mail to its outbox record.
        headers: { 'x-iotmesh-notification-id': notification.id },
      });
    } catch (error) {
      const code = smtpCode(error);
      if (code !== undefined && code >= 500) {
        throw new PermanentDeliveryError(`SMTP server refused the message: ${describe(error)}`);
      }
      throw error;
    }
  }

  close(): void {
    this.mailer.close();
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
