import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, type MigratorProps } from 'kysely/migration';

type TrackTables = Required<Pick<MigratorProps, 'migrationTableName' | 'migrationLockTableName'>>;

/** Where the additive track's migrations are recorded: beside Kysely's default tables, the main track's. */
export const ADDITIVE_TRACK_TABLES: TrackTables = {
  migrationTableName: 'kysely_migration_additive',
  migrationLockTableName: 'kysely_migration_additive_lock',
};
const MAIN_TRACK_TABLES: TrackTables = {
  migrationTableName: DEFAULT_MIGRATION_TABLE,
  migrationLockTableName: DEFAULT_MIGRATION_LOCK_TABLE,
};

/** A track's record, as Kysely's Migrator keeps it: a row per migration run. */
type Recorded = Record<string, { name: string; timestamp: string }>;

/**
 * On PostgreSQL, the schema the service's own tables are created in (the first of its search_path),
 * where its migration tables have always been. Told no schema, Kysely takes migration tables found in
 * any schema for its own: those of another service sharing the database.
 */
export async function migrationTableSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of the search_path exists to create tables in');
  return schema;
}

/** The names of the migrations a track has recorded as run; none before its table exists. */
export async function recordedMigrations(
  db: Kysely<unknown>,
  schema: string | undefined,
  { migrationTableName }: TrackTables = MAIN_TRACK_TABLES,
): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === migrationTableName && (!schema || table.schema === schema)))
    return [];
  const rows = await inSchema(db, schema).selectFrom(migrationTableName).select('name').execute();
  return rows.map((row) => row.name);
}

const inSchema = (db: Kysely<unknown>, schema: string | undefined) => {
  const tables = db as unknown as Kysely<Recorded>;
  return schema ? tables.withSchema(schema) : tables;
};
