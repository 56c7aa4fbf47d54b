import { checkTls, MAX_READINGS_PER_CALL, millis, platformEnv, toPlatformConfig } from '@iot-mesh/platform';
import { z } from 'zod';

const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const ingestionConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'sensor-ingestion', grpcPort: 50053, adminPort: 9463 }),
    DEVICE_REGISTRY_ADDRESS: z.string().min(1).default('127.0.0.1:50052'),
    DATA_PROCESSOR_ADDRESS: z.string().min(1).default('127.0.0.1:50054'),
    MAX_BATCH_SIZE: count(1000, 10_000),
    // How many batches of one IngestStream call are read ahead of the one being ingested; at that many
    // the stream is no longer read, so a client far ahead waits instead of filling the service.
    INGEST_STREAM_READ_AHEAD: count(8, 1_000),
    // Most readings per ProcessReadings call: the gateway's merged IngestBatch calls (up to 1,000 readings)
    // go on whole. With 500 the processor used 10-35% more CPU per streamed reading (three alternate runs).
    // The processor refuses more per call.
    FORWARD_CHUNK_SIZE: count(1000, MAX_READINGS_PER_CALL),
    // How long accepted readings wait to share one ProcessReadings call with other callers (only while a
    // call is out: a caller that finds none goes at once); 0 = never.
    FORWARD_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(2),
    // ProcessReadings calls out at once; beyond that, readings gather into the next call. 0 = no bound.
    FORWARD_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(1_000).default(2),
    // Device shards: each ProcessReadings call carries one shard (x-device-shard) for the processor's
    // consistent hashing in the mesh. 1 = no sharding (one processor, as locally).
    FORWARD_SHARDS: z.coerce.number().int().min(1).max(1_024).default(1),
    MAX_FUTURE_SKEW_MS: millis(5 * 60_000),
    // The data processor folds a reading into its windows only up to its own MAX_READING_AGE_MS (48 h,
    // within WINDOW_RETENTION_HOURS), and its LATE_READING_MARGIN_MS more for one accepted at this limit
    // to arrive: an older one would be acknowledged and then counted in no window, so it is refused here
    // instead. Keep the two equal.
    MAX_READING_AGE_MS: millis(48 * 3_600_000),
    // An ACTIVE device is looked up again after this long, so disabling one takes effect within it.
    DEVICE_CACHE_TTL_MS: millis(30_000),
    // Unknown and inactive devices are remembered briefly only, so a device registered or activated a
    // moment later gets in soon.
    DEVICE_REFUSAL_TTL_MS: millis(5_000),
    // About 200 bytes a device. Devices are looked up in turn, so a fleet larger than this finds none
    // cached and every reading asks the registry: the default holds the gateway's AUTH_CACHE_MAX_ENTRIES.
    DEVICE_CACHE_MAX_ENTRIES: count(50_000, 1_000_000),
    DEVICE_REGISTRY_DEADLINE_MS: millis(2_000),
    // Inside the gateway's DOWNSTREAM_DEADLINE_MS (5 s), so the processor's own answer, not the
    // gateway's timeout, reaches the client.
    DATA_PROCESSOR_DEADLINE_MS: millis(4_000),
  })
  .superRefine(checkTls)
  .transform((env) => ({
    platform: toPlatformConfig(env),
    deviceRegistryAddress: env.DEVICE_REGISTRY_ADDRESS,
    dataProcessorAddress: env.DATA_PROCESSOR_ADDRESS,
    maxBatchSize: env.MAX_BATCH_SIZE,
    ingestStreamReadAhead: env.INGEST_STREAM_READ_AHEAD,
    forwardChunkSize: env.FORWARD_CHUNK_SIZE,
    forwardLingerMs: env.FORWARD_LINGER_MS,
    forwardMaxInFlight: env.FORWARD_MAX_IN_FLIGHT,
    forwardShards: env.FORWARD_SHARDS,
    timeLimits: { maxFutureSkewMs: env.MAX_FUTURE_SKEW_MS, maxReadingAgeMs: env.MAX_READING_AGE_MS },
    deviceCache: {
      ttlMs: env.DEVICE_CACHE_TTL_MS,
      refusalTtlMs: env.DEVICE_REFUSAL_TTL_MS,
      maxEntries: env.DEVICE_CACHE_MAX_ENTRIES,
    },
    deviceRegistryDeadlineMs: env.DEVICE_REGISTRY_DEADLINE_MS,
    dataProcessorDeadlineMs: env.DATA_PROCESSOR_DEADLINE_MS,
  }));

export type IngestionConfig = z.output<typeof ingestionConfigSchema>;
