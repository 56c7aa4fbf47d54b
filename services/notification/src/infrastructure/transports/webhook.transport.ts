import type { WebhookSettings } from '../../config.js';
import { signWebhook } from '../../delivery/domain/webhook-signature.js';
import {
  PermanentDeliveryError,
  type NotificationTransport,
} from '../../delivery/notification-transport.port.js';
import { Channel, NotificationKind, type Notification } from '../../notifications/domain/notification.js';

/**
 * The JSON a webhook receives (fields documented in docs/notifications.md); stable across
 * attempts, so receivers can deduplicate by id.
 */
export function webhookPayload(notification: Notification): string {
  return JSON.stringify({
    id: notification.id,
    idempotency_key: notification.idempotencyKey,
    kind: NotificationKind[notification.kind],
    subject: notification.subject,
    body: notification.body,
    attributes: notification.attributes,
    ordering_key: notification.orderingKey,
    create_time: new Date(notification.createTime).toISOString(),
  });
}

/** HMAC-signed HTTP POST to a configured webhook URL; any 2xx answer means delivered. */
export class WebhookTransport implements NotificationTransport {
  readonly channel = Channel.CHANNEL_WEBHOOK;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async deliver(notification: Notification): Promise<void> {
    // The default webhook ('') is the first URL configured now; a URL the notification named is
    // checked again, as the configuration may have changed since it was queued.
    const url = notification.recipient || this.settings.urls[0];
    if (!this.settings.urls.includes(url)) {
      throw new PermanentDeliveryError('the webhook URL is no longer configured');
    }
    const body = webhookPayload(notification);
    const timestamp = Math.floor(this.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'iot-mesh-notification',
        'x-iotmesh-notification-id': notification.id,
        'x-iotmesh-timestamp': String(timestamp),
        'x-iotmesh-signature': signWebhook(this.settings.secret, timestamp, body),
      },
      // A redirect could point anywhere; webhooks go only to the configured URLs.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`webhook answered HTTP ${response.status}`);
    }
  }

  close(): void {}
}
