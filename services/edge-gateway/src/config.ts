import {
  checkTls,
  flag,
  millis,
  platformEnv,
  port,
  REDIS_URL_SCHEMES,
  serviceUrl,
  toPlatformConfig,
} from '@iot-mesh/platform';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().positive().finite().default(fallback);
const address = (fallback: string) => z.string().min(1).default(fallback);

export const gatewayConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'edge-gateway', grpcPort: 50051, adminPort: 9461 }),
    HTTP_HOST: z.string().min(1).default('0.0.0.0'),
    HTTP_PORT: port(8080),
    DEVICE_REGISTRY_ADDRESS: address('127.0.0.1:50052'),
    SENSOR_INGESTION_ADDRESS: address('127.0.0.1:50053'),
    DATA_PROCESSOR_ADDRESS: address('127.0.0.1:50054'),
    ALERT_MANAGER_ADDRESS: address('127.0.0.1:50055'),
    NOTIFICATION_ADDRESS: address('127.0.0.1:50056'),
    DOWNSTREAM_DEADLINE_MS: millis(5_000),
    // Operators authenticate with this shared secret and/or with HS256 JWTs signed by OPERATOR_JWT_SECRET.
    // A JWT must carry `exp`; with these set, its `iss` must be OPERATOR_JWT_ISSUER and its `aud` hold
    // OPERATOR_JWT_AUDIENCE, so that a token minted with the same secret for something else is refused.
    // No whitespace: an operator sends it as `Authorization: Bearer <token>`, which holds none, so such a
    // token could never match. A Secret made from a file written by `echo` ends in a newline.
    OPERATOR_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .regex(/^\S*$/, 'must not contain whitespace (a trailing newline, from a Secret made of a file?)')
      .optional(),
    OPERATOR_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    OPERATOR_JWT_ISSUER: z.string().min(1).optional(),
    OPERATOR_JWT_AUDIENCE: z.string().min(1).optional(),
    AUTH_CACHE_TTL_MS: millis(10_000),
    // Device keys remembered, valid or refused (about 300 bytes each). Devices are re-verified in turn, so
    // a fleet larger than this in one replica finds none: every request asks the registry.
    AUTH_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
    RATE_LIMIT_DEVICE_PER_SECOND: positive(50),
    RATE_LIMIT_DEVICE_BURST: positive(100),
    RATE_LIMIT_IP_PER_SECOND: positive(200),
    RATE_LIMIT_IP_BURST: positive(400),
    // Device keys the registry refused, per client address: each cost it a scrypt run. Once spent, the
    // address's keys that the gateway has not known as valid are refused (429) without asking the
    // registry (see AuthFailureLimits).
    RATE_LIMIT_AUTH_FAILURES_PER_SECOND: positive(1),
    RATE_LIMIT_AUTH_FAILURES_BURST: positive(20),
    // Alert streams (gRPC WatchAlerts and the REST SSE stream together) open at once per device, and per
    // client address (devices and operators alike), in each gateway replica; beyond them a new stream is
    // refused with 429 / RESOURCE_EXHAUSTED ALERT_STREAM.LIMIT. Each open stream holds about 50 KiB, and
    // about 300 KiB once its client stops reading (its buffers and HTTP/2 windows: the alert manager's
    // stream is then read no further).
    ALERT_STREAMS_PER_DEVICE: z.coerce.number().int().min(1).max(1_000).default(4),
    ALERT_STREAMS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
    // All alert streams open at once in this replica, whoever holds them: many addresses together must
    // not grow its memory without bound either (1,000 streams are about 50 MiB, 300 MiB if none is read).
    ALERT_STREAMS_TOTAL: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
    // Behind the Istio ingress gateway the client address arrives in X-Forwarded-For; direct clients could forge it.
    TRUST_FORWARDED_FOR: flag(false),
    // With TRUST_FORWARDED_FOR, how many proxies in front of the gateway append to X-Forwarded-For: the
    // client address is that many entries from the right, the one the farthest trusted proxy appended
    // (what is left of it the client wrote itself). 1: the Istio ingress gateway alone, which appends the
    // peer it saw (its own numTrustedProxies is 0; each proxy in front that it trusts adds one). With fewer
    // entries than that the request did not come through those proxies: the socket peer is the client.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    REDIS_URL: serviceUrl(REDIS_URL_SCHEMES).optional(),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
    // How many batches of one PublishReadings stream are read ahead of their acknowledgement; at that
    // many the stream is no longer read, so a client far ahead waits instead of filling the gateway.
    PUBLISH_STREAM_READ_AHEAD: z.coerce.number().int().min(1).max(1_000).default(8),
    // Single readings of concurrent requests wait this long to share one IngestBatch call (only while a
    // call is out: a request that finds none goes at once); 0 = one Ingest each.
    SINGLE_READING_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(2),
    SINGLE_READING_BATCH_MAX: z.coerce.number().int().min(1).max(1_000).default(100),
    SINGLE_READING_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(1_000).default(4),
    // Batches (stream batches and REST batch requests) of concurrent callers share one IngestBatch call
    // of up to this many readings, gathering only while BATCH_MERGE_MAX_IN_FLIGHT calls are out; 0 = one
    // call each. At most sensor ingestion's MAX_BATCH_SIZE.
    BATCH_MERGE_MAX_READINGS: z.coerce.number().int().min(0).max(10_000).default(1000),
    BATCH_MERGE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000).default(2),
  })
  .superRefine((env, ctx) => {
    checkTls(env, ctx);
    if (!env.OPERATOR_TOKEN && !env.OPERATOR_JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPERATOR_TOKEN'],
        message: 'set OPERATOR_TOKEN or OPERATOR_JWT_SECRET so operators can sign in',
      });
    }
    for (const claim of ['OPERATOR_JWT_ISSUER', 'OPERATOR_JWT_AUDIENCE'] as const) {
      if (env[claim] !== undefined && !env.OPERATOR_JWT_SECRET) {
        ctx.addIssue({ code: 'custom', path: [claim], message: 'checks JWTs: set OPERATOR_JWT_SECRET too' });
      }
    }
  })
  .transform((env) => ({
    platform: toPlatformConfig(env),
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT, bodyLimit: env.BODY_LIMIT_BYTES },
    downstream: {
      'device-registry': env.DEVICE_REGISTRY_ADDRESS,
      'sensor-ingestion': env.SENSOR_INGESTION_ADDRESS,
      'data-processor': env.DATA_PROCESSOR_ADDRESS,
      'alert-manager': env.ALERT_MANAGER_ADDRESS,
      notification: env.NOTIFICATION_ADDRESS,
    },
    downstreamDeadlineMs: env.DOWNSTREAM_DEADLINE_MS,
    operator: {
      token: env.OPERATOR_TOKEN,
      jwtSecret: env.OPERATOR_JWT_SECRET,
      jwtIssuer: env.OPERATOR_JWT_ISSUER,
      jwtAudience: env.OPERATOR_JWT_AUDIENCE,
    },
    authCacheTtlMs: env.AUTH_CACHE_TTL_MS,
    authCacheMaxEntries: env.AUTH_CACHE_MAX_ENTRIES,
    rateLimits: {
      device: { perSecond: env.RATE_LIMIT_DEVICE_PER_SECOND, burst: env.RATE_LIMIT_DEVICE_BURST },
      ip: { perSecond: env.RATE_LIMIT_IP_PER_SECOND, burst: env.RATE_LIMIT_IP_BURST },
      authFailures: {
        perSecond: env.RATE_LIMIT_AUTH_FAILURES_PER_SECOND,
        burst: env.RATE_LIMIT_AUTH_FAILURES_BURST,
      },
    },
    alertStreams: {
      perDevice: env.ALERT_STREAMS_PER_DEVICE,
      perIp: env.ALERT_STREAMS_PER_IP,
      total: env.ALERT_STREAMS_TOTAL,
    },
    redisUrl: env.REDIS_URL,
    // 0: X-Forwarded-For is not read.
    trustedProxyHops: env.TRUST_FORWARDED_FOR ? env.TRUSTED_PROXY_HOPS : 0,
    maxBatchSize: env.MAX_BATCH_SIZE,
    publishStreamReadAhead: env.PUBLISH_STREAM_READ_AHEAD,
    singleReadings: {
      lingerMs: env.SINGLE_READING_LINGER_MS,
      maxReadings: env.SINGLE_READING_BATCH_MAX,
      maxInFlight: env.SINGLE_READING_MAX_IN_FLIGHT,
    },
    batchMerge: {
      lingerMs: 0,
      maxReadings: env.BATCH_MERGE_MAX_READINGS,
      maxInFlight: env.BATCH_MERGE_MAX_IN_FLIGHT,
    },
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type DownstreamName = keyof GatewayConfig['downstream'];
