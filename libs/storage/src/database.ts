import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { unavailableOnConnectionLoss } from './connection-loss.dialect.js';
import { openNodeSqlite } from './node-sqlite.adapter.js';
import type { StorageSettings } from './storage-settings.js';

// int8 (COUNT(*), bigint columns) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** A Kysely instance on the embedded SQLite file or on PostgreSQL. */
export function createDatabase<Schema>(settings: StorageSettings): Kysely<Schema> {
  if (settings.kind === 'postgres') {
    const { schema } = settings;
    const pool = new pg.Pool({
      connectionString: schema ? withSearchPath(settings.url, schema) : settings.url,
      max: 10,
    });
    // pg emits 'error' on a client whose connection ended. A checked-out client's caller learns of it
    // from the query that fails; an idle one the pool drops, and connects anew when next asked.
    // Unhandled, either event would end the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    pool.on('error', (error) => {
      process.stderr.write(`lost an idle connection to ${describeStorage(settings)}: ${error.message}\n`);
    });
    const dialect = new PostgresDialect({
      // Before the first query. A concurrent CREATE may lose the race, and a user without the right to
      // create schemas may have been given this one: either way it exists, so errors are ignored.
      pool: async () => {
        if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoted(schema)}`).catch(() => undefined);
        return pool;
      },
    });
    return new Kysely<Schema>({ dialect: unavailableOnConnectionLoss(dialect) });
  }
  mkdirSync(dirname(settings.file), { recursive: true });
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: openNodeSqlite(settings.file) }) });
}

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * The URL with the schema as search_path among its startup options (kept if it has some), so each
 * connection starts in it: no statement on connecting, which queries would queue behind.
 */
function withSearchPath(url: string, schema: string): string {
  const withOptions = new URL(url);
  // Startup options are split at whitespace; a backslash keeps one, or itself, in a value.
  const option = `-c search_path=${quoted(schema).replace(/[\\\s]/g, '\\$&')}`;
  const options = [withOptions.searchParams.get('options'), option].filter(Boolean).join(' ');
  withOptions.searchParams.set('options', options);
  return withOptions.href;
}

/** A short description for start-up logs, without credentials. */
export function describeStorage(settings: StorageSettings): string {
  if (settings.kind === 'sqlite') return `sqlite:${settings.file}`;
  const url = new URL(settings.url);
  return `postgres://${url.host}${url.pathname}${settings.schema ? ` (schema ${settings.schema})` : ''}`;
}
