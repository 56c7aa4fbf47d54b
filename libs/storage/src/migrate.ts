import { inspect } from 'node:util';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { allowLongStatements } from './database.js';

/** Applies every migration not yet applied, in name order; fails loudly with the failing migration's name. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<void> {
  // The schema is asked for under the call timeouts: a server that does not answer fails the start.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableSchema: await migrationTableSchema(db),
  });
  // A migration may rightly run long, or wait for another replica's (Kysely's lock waits an hour).
  const { error, results } = await allowLongStatements(() => migrator.migrateToLatest());
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : inspect(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
}

/**
 * On PostgreSQL, the schema the service's own tables are created in (the first of its search_path),
 * where its migration tables have always been. Told no schema, Kysely takes migration tables found in
 * any schema for its own: those of another service sharing the database.
 */
async function migrationTableSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of the search_path exists to create tables in');
  return schema;
}
