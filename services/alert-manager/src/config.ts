import {
  checkTls,
  isEmailAddress,
  millis,
  millisOrZero,
  platformEnv,
  toPlatformConfig,
} from '@iot-mesh/platform';
import { checkStorage, storageEnv, toStorageSettings } from '@iot-mesh/storage';
import { z } from 'zod';
import { CHANNEL_NAMES } from './notifications/domain/outbox-entry.js';

const HOUR_MS = 3_600_000;

/** "log,email" → ['log', 'email']; every name must be a known channel, none twice. */
const channelList = z
  .string()
  .default('log')
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.enum(CHANNEL_NAMES, { message: `each channel must be one of ${CHANNEL_NAMES.join(', ')}` }))
      .min(1, 'name at least one channel'),
  );

export const alertConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'alert-manager', grpcPort: 50055, adminPort: 9465 }),
    ...storageEnv,
    DEVICE_REGISTRY_ADDRESS: z.string().min(1).default('127.0.0.1:50052'),
    NOTIFICATION_ADDRESS: z.string().min(1).default('127.0.0.1:50056'),
    // Zero disables caching: every device-type rule evaluation asks the registry.
    DEVICE_CACHE_TTL_MS: millisOrZero(30_000),
    // How long enabled rules are cached; this replica's rule writes invalidate at once, other
    // replicas' within this time or at the first write the store refuses as judged by an outdated
    // rule. Zero disables caching.
    RULE_CACHE_TTL_MS: millisOrZero(2_000),
    ALERT_CHANNELS: channelList,
    // The platform's rule, which the notification service applies: an address it refuses would fail
    // every alert email.
    ALERT_EMAIL_TO: z.string().refine(isEmailAddress, 'must be an email address').optional(),
    // How often the outbox is checked for due entries besides right after new ones are written.
    OUTBOX_POLL_INTERVAL_MS: millis(1_000),
    OUTBOX_RETRY_INITIAL_MS: millis(1_000),
    OUTBOX_RETRY_MAX_MS: millis(60_000),
    // How often the event table is tailed for events written by other replicas.
    EVENT_POLL_INTERVAL_MS: millis(1_000),
    // How often devices with open alerts are looked up, to resolve those of decommissioned devices
    // (which send no reading that could). Zero turns the sweep off.
    DEVICE_SWEEP_INTERVAL_MS: millisOrZero(60_000),
    // Resolved alerts (with their events) are deleted this long after they resolved, and evaluation
    // cursors of rules and devices with nothing open once nothing was evaluated for as long.
    ALERT_RETENTION_HOURS: z.coerce.number().int().positive().default(720),
    // How often the retention deletes what it has passed.
    PRUNE_INTERVAL_MS: millis(600_000),
  })
  .superRefine((env, ctx) => {
    checkTls(env, ctx);
    checkStorage(env, ctx);
    if (env.ALERT_CHANNELS.includes('email') && !env.ALERT_EMAIL_TO) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_EMAIL_TO'],
        message: 'required when ALERT_CHANNELS has email',
      });
    }
  })
  .transform((env) => ({
    platform: toPlatformConfig(env),
    storage: toStorageSettings(env, env.SERVICE_NAME),
    deviceRegistryAddress: env.DEVICE_REGISTRY_ADDRESS,
    notificationAddress: env.NOTIFICATION_ADDRESS,
    deviceCacheTtlMs: env.DEVICE_CACHE_TTL_MS,
    ruleCacheTtlMs: env.RULE_CACHE_TTL_MS,
    alertChannels: {
      channels: env.ALERT_CHANNELS,
      emailTo: env.ALERT_EMAIL_TO ?? '',
    },
    outbox: {
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      retry: { initialMs: env.OUTBOX_RETRY_INITIAL_MS, maxMs: env.OUTBOX_RETRY_MAX_MS },
    },
    eventPollIntervalMs: env.EVENT_POLL_INTERVAL_MS,
    deviceSweepIntervalMs: env.DEVICE_SWEEP_INTERVAL_MS,
    retention: { historyMs: env.ALERT_RETENTION_HOURS * HOUR_MS, pruneIntervalMs: env.PRUNE_INTERVAL_MS },
  }));

export type AlertManagerConfig = z.output<typeof alertConfigSchema>;
