import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { isConnectionLoss, unavailableOnConnectionLoss } from './connection-loss.dialect.js';
import { openNodeSqlite } from './node-sqlite.adapter.js';
import {
  DEFAULT_POSTGRES_TIMEOUTS,
  type PostgresTimeouts,
  type StorageSettings,
} from './storage-settings.js';
import { TransactionalDdlSqliteDialect } from './transactional-ddl-sqlite.dialect.js';

// int8 (COUNT(*), bigint columns) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

type PostgresSettings = Extract<StorageSettings, { kind: 'postgres' }>;

// TCP keepalive probes a connection silent for this long (then every second, 10 times: libuv's), so
// one to a host that vanished is dropped in about 15 s, even while idle in the pool.
const KEEPALIVE_DELAY_MS = 5_000;
const POOL_SIZE = 10;
// Connections for allowLongStatements, on top of the pool's: one for migrations, one for a periodic job.
const LONG_STATEMENT_POOL_SIZE = 2;

const longStatements = new AsyncLocalStorage<true>();

/**
 * Runs `work` with its PostgreSQL calls on connections free of the statement and query timeouts, for
 * work that may rightly take long (migrations, pruning); never for a call someone waits for. TCP
 * keepalive still drops a connection to a vanished host. On SQLite it just runs `work`.
 */
export function allowLongStatements<T>(work: () => Promise<T>): Promise<T> {
  return longStatements.run(true, work);
}

/** A Kysely instance on the embedded SQLite file or on PostgreSQL. */
export function createDatabase<Schema>(settings: StorageSettings): Kysely<Schema> {
  if (settings.kind === 'postgres') {
    const { schema } = settings;
    const pools = new StorePools(settings);
    const dialect = new PostgresDialect({
      // Before the first query. A concurrent CREATE may lose the race, and a user without the right to
      // create schemas may have been given this one: either way it exists, so only a lost connection
      // counts (and fails the first query, as the server would fail it anyway).
      pool: async () => {
        if (schema) {
          await pools.run(`CREATE SCHEMA IF NOT EXISTS ${quoted(schema)}`).catch(throwIfConnectionLoss);
        }
        return pools;
      },
    });
    return new Kysely<Schema>({ dialect: unavailableOnConnectionLoss(dialect) });
  }
  mkdirSync(dirname(settings.file), { recursive: true });
  return new Kysely<Schema>({
    dialect: new TransactionalDdlSqliteDialect({
      database: openNodeSqlite(settings.file, settings.synchronous, settings.checkpoints),
    }),
  });
}

function throwIfConnectionLoss(error: unknown): void {
  if (isConnectionLoss(error)) throw error;
}

/**
 * The pg pools behind one Kysely instance. Ordinary calls get connections on which the server cancels
 * a statement after `statementMs` and ends a transaction left idle for `idleInTransactionMs` (so one
 * whose client vanished releases its locks), and on which the client waits at most `queryMs` for an
 * answer; calls in allowLongStatements get connections without the two statement limits.
 */
class StorePools implements PostgresPool {
  private readonly timeouts: PostgresTimeouts;
  private readonly calls: pg.Pool;
  private readonly long: pg.Pool;
  readonly options: object;

  constructor(settings: PostgresSettings) {
    this.timeouts = { ...DEFAULT_POSTGRES_TIMEOUTS, ...settings.timeouts };
    const { connectMs, statementMs, idleInTransactionMs } = this.timeouts;
    const idleInTransaction = `-c idle_in_transaction_session_timeout=${idleInTransactionMs}`;
    const statement = `-c statement_timeout=${statementMs}`;
    this.calls = newPool(settings, connectMs, POOL_SIZE, [statement, idleInTransaction]);
    this.long = newPool(settings, connectMs, LONG_STATEMENT_POOL_SIZE, [idleInTransaction]);
    this.options = this.calls.options;
  }

  async connect(): Promise<PostgresPoolClient> {
    if (longStatements.getStore()) return this.long.connect();
    return answeringWithin(await this.calls.connect(), this.timeouts.queryMs);
  }

  /** One statement on a pooled connection. */
  async run(text: string): Promise<void> {
    const client = await this.connect();
    try {
      await client.query(text, []);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    await Promise.all([this.calls.end(), this.long.end()]);
  }
}

function newPool(settings: PostgresSettings, connectMs: number, max: number, options: string[]): pg.Pool {
  const pool = new pg.Pool({
    connectionString: withStartupOptions(settings, options),
    max,
    // Bounds connecting and logging in (a server that accepts but does not answer), and the wait for
    // a free connection.
    connectionTimeoutMillis: connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  // pg emits 'error' on a client whose connection ended. A checked-out client's caller learns of it
  // from the query that fails; an idle one the pool drops, and connects anew when next asked.
  // Unhandled, either event would end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', (error) => {
    process.stderr.write(`lost an idle connection to ${describeStorage(settings)}: ${error.message}\n`);
  });
  return pool;
}

/**
 * A pooled connection whose statements fail once the server has not answered for `timeoutMs` (a
 * silent network or server gives no error of its own). The connection is then dropped, not returned
 * to the pool: its next statement would wait behind the unanswered one. pg's own query_timeout fails
 * the statement but keeps the connection.
 */
function answeringWithin(client: pg.PoolClient, timeoutMs: number): PostgresPoolClient {
  let silent: Error | undefined;
  const query = async (text: string, parameters: readonly unknown[]) => {
    if (silent) throw silent;
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // ETIMEDOUT: a connection lost, to the connection-loss dialect.
        const error = new Error(`the server did not answer within ${timeoutMs} ms`);
        silent = Object.assign(error, { code: 'ETIMEDOUT' });
        reject(silent);
      }, timeoutMs);
    });
    try {
      return await Promise.race([client.query(text, [...parameters]), unanswered]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    // Kysely passes a cursor only when configured with one, which it is not.
    query: query as unknown as PostgresPoolClient['query'],
    // pg ends a client released with an error, and with it the unanswered statement.
    release: (destroy) => client.release(silent ?? destroy),
  };
}

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * The URL with startup options, so each connection starts with them (no statement on connecting,
 * which queries would queue behind): `ours`, then the URL's own options, which so win over ours, then
 * the schema as search_path.
 */
function withStartupOptions(settings: PostgresSettings, ours: string[]): string {
  const { schema } = settings;
  const url = new URL(settings.url);
  // Startup options are split at whitespace; a backslash keeps one, or itself, in a value.
  const searchPath = schema && `-c search_path=${quoted(schema).replace(/[\\\s]/g, '\\$&')}`;
  const options = [...ours, url.searchParams.get('options'), searchPath].filter(Boolean).join(' ');
  url.searchParams.set('options', options);
  return url.href;
}

/**
 * A short description for logs, without credentials. It never throws: it also describes the store in
 * the one line about a store that cannot be opened, which a URL that does not parse must not turn into
 * a stack trace repeating the URL and its password.
 */
export function describeStorage(settings: StorageSettings): string {
  if (settings.kind === 'sqlite') return `sqlite:${settings.file}`;
  const url = URL.parse(settings.url);
  const where = url ? `${url.host}${url.pathname}` : '<unparsable URL>';
  return `postgres://${where}${settings.schema ? ` (schema ${settings.schema})` : ''}`;
}
