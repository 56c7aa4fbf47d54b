import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { Channel } from '../notifications/domain/notification.js';
import type { NotificationDatabase } from './notification.schema.js';

type Outbox = NotificationDatabase['notifications'];

/** A pending notification `n` and one queued before it, `earlier`, as listDue compares them. */
type QueuePair = { n: Outbox; earlier: Outbox };

/**
 * Whether `earlier` and `n` are for the same recipient as the delivery order sees it. The default
 * webhook is stored as '', but versions before that stored the first URL of WEBHOOK_URL in its place:
 * a webhook naming `defaultWebhookUrl` counts as the default one here, so an alert's notifications
 * queued by either version keep their order (each is still delivered to the URL it names).
 */
export function sameRecipient(
  queue: ExpressionBuilder<QueuePair, keyof QueuePair>,
  defaultWebhookUrl: string | undefined,
): Expression<SqlBool> {
  const equal = queue('earlier.recipient', '=', queue.ref('n.recipient'));
  if (defaultWebhookUrl === undefined) return equal;
  const defaultWebhook = ['', defaultWebhookUrl];
  return queue.or([
    equal,
    queue.and([
      queue('n.channel', '=', Channel.CHANNEL_WEBHOOK),
      queue('n.recipient', 'in', defaultWebhook),
      queue('earlier.recipient', 'in', defaultWebhook),
    ]),
  ]);
}
