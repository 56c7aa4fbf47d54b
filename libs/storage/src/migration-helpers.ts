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

/** Runs `work` in one transaction: the one a main-track migration runs in, else its own. */
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

/** An index an additive migration adds: on `columns` of `table`, of the rows whose `whereNull` is null. */
export interface IndexSpec {
  name: string;
  table: string;
  columns: readonly string[];
  whereNull?: string;
}

/**
 * Adds the index if missing without holding the table's writes while it builds: on PostgreSQL
 * CONCURRENTLY (outside a transaction, as the additive track runs), after dropping one that a build cut
 * short left invalid, which IF NOT EXISTS would keep; SQLite has one writer, and builds it as usual.
 */
export async function addIndex(
  db: Kysely<unknown>,
  { name, table, columns, whereNull }: IndexSpec,
): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    const index = db.schema
      .createIndex(name)
      .ifNotExists()
      .on(table)
      .columns([...columns]);
    await (whereNull ? index.where(sql.ref(whereNull), 'is', null) : index).execute();
    return;
  }
  const { rows: invalid } = await sql`SELECT 1 FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = ${name} AND n.nspname = current_schema() AND NOT i.indisvalid`.execute(db);
  if (invalid.length > 0) await sql`DROP INDEX CONCURRENTLY IF EXISTS ${sql.id(name)}`.execute(db);
  const where = whereNull ? sql` WHERE ${sql.ref(whereNull)} IS NULL` : sql``;
  await sql`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${sql.id(name)} ON ${sql.table(table)}
      (${sql.join(columns.map((column) => sql.ref(column)))})${where}`.execute(db);
}
