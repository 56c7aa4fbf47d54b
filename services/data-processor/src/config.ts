import { checkTls, flag, millis, platformEnv, toPlatformConfig } from '@iot-mesh/platform';
import { checkStorage, storageEnv, toStorageSettings } from '@iot-mesh/storage';
import { z } from 'zod';

const HOUR_MS = 3_600_000;

/**
 * How long after its end a window takes late readings, `lateReadingsMs`: ingestion's limit (or the
 * retention, if shorter: nothing is folded into a window past it) plus the margin. The window is
 * reported closed after that, and stays final. And how long after its end it is deleted,
 * `retentionMs`: WINDOW_RETENTION_HOURS, but never before it closes.
 */
function windowTimes(env: {
  MAX_READING_AGE_MS: number;
  LATE_READING_MARGIN_MS: number;
  WINDOW_RETENTION_HOURS: number;
}) {
  const retentionMs = env.WINDOW_RETENTION_HOURS * HOUR_MS;
  const lateReadingsMs = Math.min(env.MAX_READING_AGE_MS, retentionMs) + env.LATE_READING_MARGIN_MS;
  return { lateReadingsMs, retentionMs: Math.max(retentionMs, lateReadingsMs) };
}

export const processorConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'data-processor', grpcPort: 50054, adminPort: 9464 }),
    ...storageEnv,
    ALERT_MANAGER_ADDRESS: z.string().min(1).default('127.0.0.1:50055'),
    // Off only where no alert manager runs (e.g. a processor benchmark); readings are then not evaluated.
    FORWARD_TO_ALERT_MANAGER: flag(true),
    // Well inside ingestion's DATA_PROCESSOR_DEADLINE_MS: on a hung alert manager the readings are
    // queued and the call answered before its caller gives up.
    ALERT_MANAGER_DEADLINE_MS: millis(2_000),
    // Readings whose evaluation failed wait in a queue for the alert manager, at most this many (beyond
    // it a call is answered UNAVAILABLE, as without the queue, so an outage cannot fill the disk; 0 = no
    // queue); the queue is delivered every PENDING_EVALUATIONS_POLL_INTERVAL_MS.
    PENDING_EVALUATIONS_MAX: z.coerce.number().int().min(0).default(100_000),
    PENDING_EVALUATIONS_POLL_INTERVAL_MS: millis(1_000),
    // Windows older than this are deleted, and remembered reading ids once none of their windows is left.
    WINDOW_RETENTION_HOURS: z.coerce.number().int().positive().default(48),
    // Ingestion's limit of the same name (keep them equal): the oldest reading accepted, so how long
    // after its end a window may still change.
    MAX_READING_AGE_MS: millis(48 * HOUR_MS),
    // How much longer the processor still folds late readings in, and so reports a window open: a
    // reading ingestion accepted at its limit reaches the processor later (forwarding, and retries up
    // to ingestion's DATA_PROCESSOR_DEADLINE_MS), and the processor's clock may run ahead of ingestion's.
    LATE_READING_MARGIN_MS: millis(60_000),
    PRUNE_INTERVAL_MS: millis(600_000),
    // Off: sketches are stored in the form every earlier processor reads. Turn it on once no processor
    // older than this release runs against the store (docs/aggregates.md).
    SKETCH_COMPACT_FORM: flag(false),
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
    pendingEvaluations: {
      max: env.PENDING_EVALUATIONS_MAX,
      pollIntervalMs: env.PENDING_EVALUATIONS_POLL_INTERVAL_MS,
    },
    ...windowTimes(env),
    pruneIntervalMs: env.PRUNE_INTERVAL_MS,
    sketchForms: { compact: env.SKETCH_COMPACT_FORM },
  }));

export type ProcessorConfig = z.output<typeof processorConfigSchema>;
