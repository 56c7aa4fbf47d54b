import { inspect } from 'node:util';
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigratorProps } from 'kysely/migration';
import { allowLongStatements } from './database.js';
import { ADDITIVE_TRACK_TABLES, migrationTableSchema, recordedMigrations } from './migration-tracks.js';

export interface MigrateOptions {
  /** Additive migrations, run after the main ones and recorded apart from them; see migrateToLatest. */
  additive?: Record<string, Migration>;
  /** Where the line naming a newer release's additive migrations goes; stderr by default. */
  note?: (line: string) => void;
}

/**
 * Applies every migration not yet applied, in name order, on two tracks; fails loudly with the
 * failing migration's name.
 *
 * `migrations` (the main track, Kysely's default tables) are changes a release before them cannot run
 * beside: such a release refuses a store that has one. `additive` ones (their own tables, run after the
 * main ones) are changes a release before them runs beside unharmed (columns with defaults, new tables,
 * indexes), so a store a canary migrated is still one the stable release restarts and rolls back on.
 * An additive migration only adds and can run again: it checks first that what it adds is not there
 * (`columnExists`, `ifNotExists()`), on SQLite and PostgreSQL alike. A main migration never relies on
 * an additive one.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  { additive = {}, note = (line) => process.stderr.write(`${line}\n`) }: MigrateOptions = {},
): Promise<void> {
  // The schema is asked for under the call timeouts: a server that does not answer fails the start.
  const schema = await migrationTableSchema(db);
  await untilNoneRecordedMeanwhile(async () => {
    const newerMain = unknown(await recordedMigrations(db, schema), migrations);
    if (newerMain.length > 0) {
      throw new Error(
        `the store was migrated by a newer release (${newerMain.join(', ')}), which changed the schema in ` +
          'a way this release cannot use: roll forward to that release, or restore the store from before it',
      );
    }
    await run({
      db,
      migrationTableSchema: schema,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    });
  });
  const newerAdditive = await untilNoneRecordedMeanwhile(async () => {
    const newer = unknown(await recordedMigrations(db, schema, ADDITIVE_TRACK_TABLES), additive);
    // Services without additive migrations get no tables for them.
    if (Object.keys(additive).length === 0) return newer;
    // Placeholders stand for them, recorded as run: Kysely refuses migrations it is not given.
    const placeholders = Object.fromEntries(newer.map((name) => [name, { up: async () => {} }]));
    await run({
      db,
      migrationTableSchema: schema,
      ...ADDITIVE_TRACK_TABLES,
      provider: { getMigrations: () => Promise.resolve({ ...placeholders, ...additive }) },
      // A newer release's additive migration may sort before one of this release's yet to run.
      allowUnorderedMigrations: true,
      // Each on its own, outside a transaction, so that on PostgreSQL an index is built CONCURRENTLY
      // (addIndex), without holding the writes of the release running beside it; re-runnable by rule,
      // one cut short completes at the next start.
      disableTransactions: true,
    });
    return newer;
  });
  if (newerAdditive.length > 0) {
    note(
      `a newer release added ${newerAdditive.join(', ')} (additive migrations); ` +
        'this release runs beside them, leaving what they added alone',
    );
  }
}

/**
 * Another release's pod may record a migration between this one's look at the records and Kysely's
 * run under its lock, which then refuses it as missing: looked at again, it is known (a newer
 * release's additive one) or named in the refusal above.
 */
async function untilNoneRecordedMeanwhile<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const recordedMeanwhile =
        error instanceof Error && /previously executed migration .+ is missing/.test(error.message);
      if (!recordedMeanwhile || tries === 3) throw error;
    }
  }
}

const unknown = (recorded: string[], known: Record<string, Migration>) =>
  recorded.filter((name) => !Object.hasOwn(known, name));

async function run(props: MigratorProps): Promise<void> {
  // A migration may rightly run long, or wait for another replica's (Kysely's lock waits an hour).
  const { error, results } = await allowLongStatements(() => new Migrator(props).migrateToLatest());
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : inspect(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
}
