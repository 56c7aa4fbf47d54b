import { checkTls, isEmailAddress, millis, platformEnv, toPlatformConfig } from '@iot-mesh/platform';
import { checkStorage, storageEnv, toStorageSettings } from '@iot-mesh/storage';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { Channel } from './notifications/domain/notification.js';

// Deployments often set a variable to '' to mean "off"; treat that like unset.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const isUrl = (protocols: readonly string[]) => (value: string) => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * The sender as nodemailer reads it (the same parser): one mailbox, bare or with a display name, whose
 * address is one by the platform's rule. Anything else ("Ops Team") would go out with no From header
 * and the null sender MAIL FROM:<>, which relays refuse or let through broken.
 */
const isSender = (value: string) => {
  const parsed = addressparser(value);
  return parsed.length === 1 && isEmailAddress(parsed[0]?.address ?? '');
};

const hasUserInfo = (url: string) => {
  const parsed = URL.parse(url);
  return parsed !== null && (parsed.username !== '' || parsed.password !== '');
};

const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const notificationConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'notification', grpcPort: 50056, adminPort: 9466 }),
    ...storageEnv,
    DELIVERY_MAX_ATTEMPTS: count(5, 100),
    DELIVERY_BACKOFF_MS: millis(1_000),
    DELIVERY_MAX_BACKOFF_MS: millis(300_000),
    DELIVERY_POLL_INTERVAL_MS: millis(250),
    // Bounds one attempt (SMTP dialogue or webhook request), so shutdown can wait for it.
    DELIVERY_TIMEOUT_MS: millis(5_000),
    DELIVERY_CONCURRENCY: count(10, 100),
    SMTP_URL: optional(z.string().refine(isUrl(['smtp:', 'smtps:']), 'must be an smtp:// or smtps:// URL')),
    SMTP_FROM: optional(
      z.string().refine(isSender, 'must be an email address, alone or as Name <address>, and only one'),
    ),
    // One URL, or several separated by commas; the first is where webhooks without a recipient go.
    WEBHOOK_URL: optional(
      z
        .string()
        .transform((list) =>
          list
            .split(',')
            .map((url) => url.trim())
            .filter((url) => url !== ''),
        )
        .refine((urls) => urls.length > 0 && urls.every(isUrl(['http:', 'https:'])), 'must be http(s) URLs')
        // fetch refuses such a URL on every attempt, with the credentials in its error.
        .refine(
          (urls) => !urls.some(hasUserInfo),
          'must not hold user:password@; put a token in the path or query',
        ),
    ),
    WEBHOOK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
    // Delivered and failed notifications are deleted this long after they were queued. A sender's
    // retry with the same idempotency key after that would be delivered again, so keep it above the
    // longest a sender may retry (the alert manager retries until it hears back, across its restarts).
    NOTIFICATION_RETENTION_HOURS: z.coerce.number().int().positive().default(168),
    // How often the retention deletes what it has passed.
    PRUNE_INTERVAL_MS: millis(600_000),
  })
  .superRefine((env, ctx) => {
    checkTls(env, ctx);
    checkStorage(env, ctx);
    // A channel takes both of its settings: half of them (one missing from a Secret) is a mistake
    // that would otherwise leave the channel off without a word.
    const require = (variable: string, when: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message: `required when ${when} is set` });
    if (env.SMTP_URL && !env.SMTP_FROM) require('SMTP_FROM', 'SMTP_URL');
    if (env.SMTP_FROM && !env.SMTP_URL) require('SMTP_URL', 'SMTP_FROM');
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) require('WEBHOOK_SECRET', 'WEBHOOK_URL');
    if (env.WEBHOOK_SECRET && !env.WEBHOOK_URL) require('WEBHOOK_URL', 'WEBHOOK_SECRET');
    if (env.DELIVERY_TIMEOUT_MS >= env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['DELIVERY_TIMEOUT_MS'],
        message: 'must be below SHUTDOWN_TIMEOUT_MS, so a running attempt can finish on shutdown',
      });
    }
  })
  .transform((env) => ({
    platform: toPlatformConfig(env),
    storage: toStorageSettings(env, env.SERVICE_NAME),
    delivery: {
      retry: {
        maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
        backoffMs: env.DELIVERY_BACKOFF_MS,
        maxBackoffMs: Math.max(env.DELIVERY_MAX_BACKOFF_MS, env.DELIVERY_BACKOFF_MS),
      },
      pollIntervalMs: env.DELIVERY_POLL_INTERVAL_MS,
      timeoutMs: env.DELIVERY_TIMEOUT_MS,
      concurrency: env.DELIVERY_CONCURRENCY,
    },
    retention: {
      notificationsMs: env.NOTIFICATION_RETENTION_HOURS * 3_600_000,
      pruneIntervalMs: env.PRUNE_INTERVAL_MS,
    },
    email: env.SMTP_URL && env.SMTP_FROM ? { url: env.SMTP_URL, from: env.SMTP_FROM } : undefined,
    webhook:
      env.WEBHOOK_URL && env.WEBHOOK_SECRET
        ? { urls: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET }
        : undefined,
  }));

export type NotificationConfig = z.output<typeof notificationConfigSchema>;
export type DeliverySettings = NotificationConfig['delivery'];
export type EmailSettings = NonNullable<NotificationConfig['email']>;
export type WebhookSettings = NonNullable<NotificationConfig['webhook']>;

/** Channels this process can deliver on: log always, email and webhook when configured. */
export function configuredChannels(config: NotificationConfig): ReadonlySet<Channel> {
  return new Set([
    Channel.CHANNEL_LOG,
    ...(config.email ? [Channel.CHANNEL_EMAIL] : []),
    ...(config.webhook ? [Channel.CHANNEL_WEBHOOK] : []),
  ]);
}
