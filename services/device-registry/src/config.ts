import { checkTls, flag, millisOrZero, platformEnv, toPlatformConfig } from '@iot-mesh/platform';
import { checkStorage, storageEnv, toStorageSettings } from '@iot-mesh/storage';
import { z } from 'zod';

export const registryConfigSchema = z
  .object({
    ...platformEnv({ serviceName: 'device-registry', grpcPort: 50052, adminPort: 9462 }),
    ...storageEnv,
    NOTIFICATION_ADDRESS: z.string().min(1).default('127.0.0.1:50056'),
    SEND_VERIFICATION_EMAILS: flag(true),
    // scrypt cost (N) for new API keys; stored with each hash, so it can change without breaking old keys.
    API_KEY_SCRYPT_COST: z.coerce
      .number()
      .int()
      .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two >= 1024')
      .default(16384),
    // How long a key's secret, once verified by scrypt, is recognised without running scrypt again (0: never).
    API_KEY_VERIFY_CACHE_MS: millisOrZero(300_000),
    // Most keys remembered so. The gateway re-verifies every device's key in turn, so a cap below the
    // fleet's active keys evicts each before it comes round again: no key is ever found. About 200 bytes each.
    API_KEY_VERIFY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
    // How long a rotated key keeps working beside its replacement, so that a device can switch, and a
    // rotation whose answer was lost (a gateway timeout) can be retried without locking the device out.
    // 0 revokes the old key at once. RevokeDeviceKey cuts a key off at once either way.
    KEY_ROTATION_GRACE_MS: millisOrZero(3_600_000),
    // scrypt verifications run at once, and how many more may wait; beyond that a verification is refused
    // with RESOURCE_EXHAUSTED (DEVICE_KEY.VERIFY_BUSY), so made-up keys cannot queue scrypt work without
    // bound. Secrets remembered through API_KEY_VERIFY_CACHE_MS need no scrypt and are never refused so.
    API_KEY_VERIFY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    API_KEY_VERIFY_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  })
  .superRefine((env, ctx) => {
    checkTls(env, ctx);
    checkStorage(env, ctx);
  })
  .transform((env) => ({
    platform: toPlatformConfig(env),
    storage: toStorageSettings(env, env.SERVICE_NAME),
    notificationAddress: env.NOTIFICATION_ADDRESS,
    sendVerificationEmails: env.SEND_VERIFICATION_EMAILS,
    apiKeyScryptCost: env.API_KEY_SCRYPT_COST,
    apiKeyVerifyCache: {
      ttlMs: env.API_KEY_VERIFY_CACHE_MS,
      maxEntries: env.API_KEY_VERIFY_CACHE_MAX_ENTRIES,
    },
    keyRotationGraceMs: env.KEY_ROTATION_GRACE_MS,
    apiKeyVerification: { concurrency: env.API_KEY_VERIFY_CONCURRENCY, queue: env.API_KEY_VERIFY_QUEUE },
  }));

export type RegistryConfig = z.output<typeof registryConfigSchema>;
