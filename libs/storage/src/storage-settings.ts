import { join } from 'node:path';
import { millis, POSTGRES_URL_SCHEMES, serviceUrl } from '@iot-mesh/platform';
import { z } from 'zod';

/** How long a PostgreSQL store waits, in milliseconds (the DATABASE_*_TIMEOUT_MS variables). */
export interface PostgresTimeouts {
  /** To connect and log in, or for a free pooled connection. */
  connectMs: number;
  /** The server's statement_timeout: it cancels a statement that runs longer. */
  statementMs: number;
  /** For the server's answer to one statement; past it the connection counts as lost. */
  queryMs: number;
  /** The server's idle_in_transaction_session_timeout: it ends a transaction left waiting this long. */
  idleInTransactionMs: number;
}

// A silent store fails a call within 3 s, below the deadlines of the calls waiting for it (ingestion's
// 4 s for ProcessReadings, the gateway's 5 s), so that they hear UNAVAILABLE, not their own deadline.
// The server cuts a slow statement a second earlier, so a merely slow one keeps its connection. A
// transaction idle past the gateway's deadline has nobody waiting for it. See docs/configuration.md.
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectMs: 2_000,
  statementMs: 2_000,
  queryMs: 3_000,
  idleInTransactionMs: 5_000,
};

/**
 * When an SQLite commit reaches the disk. `normal` (WAL's usual setting): a committed transaction
 * survives the process dying, but the host losing power may take the last ones back, readings the
 * processor already acknowledged among them. `full`: an fsync per commit keeps them through that too.
 */
export const SQLITE_SYNCHRONOUS_MODES = ['normal', 'full'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];

/**
 * Where SQLite checkpoints its write-ahead log (copies it into the database file). `inline`: in the
 * commit that takes the log past 1,000 pages, on the service's one thread. `background`: on a thread of
 * its own (WalCheckpointer), so no call waits for it.
 */
export const SQLITE_CHECKPOINT_MODES = ['background', 'inline'] as const;
export type SqliteCheckpoints = (typeof SQLITE_CHECKPOINT_MODES)[number];

/** Where a service keeps its state. */
export type StorageSettings =
  | { kind: 'sqlite'; file: string; synchronous?: SqliteSynchronous; checkpoints?: SqliteCheckpoints }
  /**
   * `schema`: the service's own PostgreSQL schema, so services can share one database safely.
   * `timeouts`: DEFAULT_POSTGRES_TIMEOUTS where not given.
   */
  | { kind: 'postgres'; url: string; schema?: string; timeouts?: Partial<PostgresTimeouts> };

/** The storage variables, to spread into a service's config schema. */
export const storageEnv = {
  STORAGE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  DATA_DIR: z.string().min(1).default('./data'),
  SQLITE_SYNCHRONOUS: z.enum(SQLITE_SYNCHRONOUS_MODES).default('normal'),
  SQLITE_CHECKPOINTS: z.enum(SQLITE_CHECKPOINT_MODES).default('background'),
  DATABASE_URL: serviceUrl(POSTGRES_URL_SCHEMES).optional(),
  DATABASE_CONNECT_TIMEOUT_MS: millis(DEFAULT_POSTGRES_TIMEOUTS.connectMs),
  DATABASE_STATEMENT_TIMEOUT_MS: millis(DEFAULT_POSTGRES_TIMEOUTS.statementMs),
  DATABASE_QUERY_TIMEOUT_MS: millis(DEFAULT_POSTGRES_TIMEOUTS.queryMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: millis(DEFAULT_POSTGRES_TIMEOUTS.idleInTransactionMs),
};

type StorageEnv = z.output<z.ZodObject<typeof storageEnv>>;

/**
 * STORAGE=postgres needs DATABASE_URL, and a client that waits longer for an answer than the server
 * runs a statement: else a merely slow statement would cost its connection.
 */
export function checkStorage(env: StorageEnv, ctx: z.RefinementCtx): void {
  if (env.STORAGE !== 'postgres') return;
  if (!env.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required when STORAGE=postgres' });
  }
  if (env.DATABASE_QUERY_TIMEOUT_MS <= env.DATABASE_STATEMENT_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_QUERY_TIMEOUT_MS'],
      message: 'must be above DATABASE_STATEMENT_TIMEOUT_MS',
    });
  }
}

export function toStorageSettings(env: StorageEnv, serviceName: string): StorageSettings {
  return env.STORAGE === 'postgres'
    ? {
        kind: 'postgres',
        url: env.DATABASE_URL!,
        schema: serviceName.replace(/[^a-z0-9]/g, '_'),
        timeouts: {
          connectMs: env.DATABASE_CONNECT_TIMEOUT_MS,
          statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
          queryMs: env.DATABASE_QUERY_TIMEOUT_MS,
          idleInTransactionMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        },
      }
    : {
        kind: 'sqlite',
        file: join(env.DATA_DIR, `${serviceName}.sqlite`),
        synchronous: env.SQLITE_SYNCHRONOUS,
        checkpoints: env.SQLITE_CHECKPOINTS,
      };
}
