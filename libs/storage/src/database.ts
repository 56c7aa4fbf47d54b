import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openNodeSqlite } from './node-sqlite.adapter.js';
import type { StorageSettings } from './storage-settings.js';

// int8 (COUNT(*), bigint columns) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** A Kysely instance on the embedded SQLite file or on PostgreSQL. */
export function createDatabase<Schema>(settings: StorageSettings): Kysely<Schema> {
  if (settings.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: settings.url, max: 10 });
    const schema = settings.schema;
    if (schema) {
      // Queries on a new connection run after these, in order. A concurrent CREATE may lose the race; that is fine.
      pool.on('connect', (client) => {
        client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(() => undefined);
        client.query(`SET search_path TO "${schema}"`).catch(() => undefined);
      });
    }
    return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  }
  mkdirSync(dirname(settings.file), { recursive: true });
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: openNodeSqlite(settings.file) }) });
}

/** A short description for start-up logs, without credentials. */
export function describeStorage(settings: StorageSettings): string {
  if (settings.kind === 'sqlite') return `sqlite:${settings.file}`;
  const url = new URL(settings.url);
  return `postgres://${url.host}${url.pathname}${settings.schema ? ` (schema ${settings.schema})` : ''}`;
}
