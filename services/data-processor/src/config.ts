import { checkTls, flag, millis, platformEnv, toPlatformConfig } from '@iot-mesh/platform';
import { checkStorage, storageEnv, toStorageSettings } from '@iot-mesh/storage';
import { z } from 'zod';

const HOUR_MS = 3_600_000;

export const processorConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'data-processor', grpcPort: 50054, adminPort: 9464 }),
    ...storageEnv,
    ALERT_MANAGER_ADDRESS: z.string().min(1).default('127.0.0.1:50055'),
    // Off only where no alert manager runs (e.g. a processor benchmark); readings are then not evaluated.
    FORWARD_TO_ALERT_MANAGER: flag(true),
    ALERT_MANAGER_DEADLINE_MS: millis(5_000),
    // Windows (and remembered reading ids) older than this are deleted.
    WINDOW_RETENTION_HOURS: z.coerce.number().int().positive().default(48),
    PRUNE_INTERVAL_MS: millis(600_000),
  })
  .superRefine((env, ctx) => {
    checkTls(env, ctx);
    checkStorage(env, ctx);
  })
  .transform((env) => ({
    platform: toPlatformConfig(env),
    storage: toStorageSettings(env, env.SERVICE_NAME),
    alertManagerAddress: env.ALERT_MANAGER_ADDRESS,
    forwardToAlertManager: env.FORWARD_TO_ALERT_MANAGER,
    alertManagerDeadlineMs: env.ALERT_MANAGER_DEADLINE_MS,
    retentionMs: env.WINDOW_RETENTION_HOURS * HOUR_MS,
    pruneIntervalMs: env.PRUNE_INTERVAL_MS,
  }));

export type ProcessorConfig = z.output<typeof processorConfigSchema>;
