import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { StorageSettings } from './storage-settings.js';

/** The SQL engine a migration writes for: their DDL is the same but for identity columns. */
export type SqlDialect = StorageSettings['kind'];

/** A strictly increasing, never reused integer key: SQLite AUTOINCREMENT, PostgreSQL identity. */
export function withIdentity<T extends string>(
  table: CreateTableBuilder<T, never>,
  column: string,
  dialect: SqlDialect,
): CreateTableBuilder<T, string> {
  return dialect === 'postgres'
    ? table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Runs `work` in one transaction: Kysely runs SQLite's migrations outside one, PostgreSQL's inside. */
export async function atomically(
  db: Kysely<unknown>,
  work: (db: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

/**
 * Whether the table in the schema the migrations create tables in has the column: what an additive
 * migration checks before it adds one (Kysely's `ifNotExists()` covers tables and indexes).
 */
export async function columnExists(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const { rows } = await (
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql`SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = ${column}`
      : sql`SELECT 1 FROM pragma_table_info(${table}) WHERE name = ${column}`
  ).execute(db);
  return rows.length > 0;
}
