import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { TlsSettings } from '../grpc/tls-settings.js';
import { existingFile, inheritedPipeFd, millis, port } from './env-fields.js';
import { tlsFileProblems } from './tls-files.js';

/** The levels LOG_LEVEL takes (pino's), and so the local stack's --log-level. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the platform runtime needs from every service's environment. */
export interface PlatformConfig {
  serviceName: string;
  grpcHost: string;
  grpcPort: number;
  adminHost: string;
  adminPort: number;
  logLevel: string;
  tls: TlsSettings;
  shutdownTimeoutMs: number;
  otlpEndpoint?: string;
  /** A pipe from the process that started this one: when it closes, shut down (see installGracefulShutdown). */
  parentLifelineFd?: number;
}

export interface PlatformDefaults {
  serviceName: string;
  grpcPort: number;
  adminPort: number;
}

/** The platform's environment variables, to spread into a service's own z.object. */
export function platformEnv(defaults: PlatformDefaults) {
  return {
    SERVICE_NAME: z.string().min(1).default(defaults.serviceName),
    GRPC_HOST: z.string().min(1).default('0.0.0.0'),
    GRPC_PORT: port(defaults.grpcPort),
    // Every interface by default, where Prometheus and the kubelet reach it in a pod.
    ADMIN_HOST: z.string().min(1).default('0.0.0.0'),
    ADMIN_PORT: port(defaults.adminPort),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    TLS_MODE: z.enum(['plaintext', 'tls', 'mtls']).default('plaintext'),
    TLS_CA_FILE: existingFile().optional(),
    TLS_CERT_FILE: existingFile().optional(),
    TLS_KEY_FILE: existingFile().optional(),
    SHUTDOWN_TIMEOUT_MS: millis(10_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    PARENT_LIFELINE_FD: inheritedPipeFd().optional(),
  };
}

type PlatformEnv = z.output<z.ZodObject<ReturnType<typeof platformEnv>>>;

/**
 * TLS needs a certificate and key; mutual TLS also the CA that signs the peers. Files that exist are
 * checked as a handshake would (see tlsFileProblems), so that a bad one stops the start.
 */
export function checkTls(env: PlatformEnv, ctx: z.RefinementCtx): void {
  const required =
    env.TLS_MODE === 'mtls'
      ? (['TLS_CA_FILE', 'TLS_CERT_FILE', 'TLS_KEY_FILE'] as const)
      : env.TLS_MODE === 'tls'
        ? (['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const)
        : [];
  const missing = required.filter((variable) => !env[variable]);
  for (const variable of missing) {
    ctx.addIssue({ code: 'custom', path: [variable], message: `required when TLS_MODE=${env.TLS_MODE}` });
  }
  const files = [env.TLS_CA_FILE, env.TLS_CERT_FILE, env.TLS_KEY_FILE].filter((file) => file !== undefined);
  // A file that does not exist is reported by its own field.
  if (env.TLS_MODE === 'plaintext' || missing.length > 0 || !files.every(existsSync)) return;
  const settings = {
    mode: env.TLS_MODE,
    caFile: env.TLS_CA_FILE,
    certFile: env.TLS_CERT_FILE,
    keyFile: env.TLS_KEY_FILE,
  };
  for (const { variable, message } of tlsFileProblems(settings)) {
    ctx.addIssue({ code: 'custom', path: [variable], message });
  }
}

export function toPlatformConfig(env: PlatformEnv): PlatformConfig {
  return {
    serviceName: env.SERVICE_NAME,
    grpcHost: env.GRPC_HOST,
    grpcPort: env.GRPC_PORT,
    adminHost: env.ADMIN_HOST,
    adminPort: env.ADMIN_PORT,
    logLevel: env.LOG_LEVEL,
    tls: {
      mode: env.TLS_MODE,
      caFile: env.TLS_CA_FILE,
      certFile: env.TLS_CERT_FILE,
      keyFile: env.TLS_KEY_FILE,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    parentLifelineFd: env.PARENT_LIFELINE_FD,
  };
}

/** Schema for a service that needs nothing beyond the platform's variables. */
export function platformConfigSchema(defaults: PlatformDefaults) {
  return z.object(platformEnv(defaults)).superRefine(checkTls).transform(toPlatformConfig);
}
