import type { Logger } from 'pino';
import type { NotificationConfig } from '../../config.js';
import type { NotificationTransport } from '../../delivery/notification-transport.port.js';
import type { Channel } from '../../notifications/domain/notification.js';
import { LogTransport } from './log.transport.js';
import { SmtpEmailTransport } from './smtp-email.transport.js';
import { WebhookTransport } from './webhook.transport.js';

/** One transport per configured channel (the same set `configuredChannels` reports). */
export function createTransports(
  config: NotificationConfig,
  logger: Logger,
): ReadonlyMap<Channel, NotificationTransport> {
  const transports: NotificationTransport[] = [
    new LogTransport(logger),
    ...(config.email ? [new SmtpEmailTransport(config.email, config.delivery.timeoutMs)] : []),
    ...(config.webhook ? [new WebhookTransport(config.webhook, config.delivery.timeoutMs)] : []),
  ];
  return new Map(transports.map((transport) => [transport.channel, transport]));
}
