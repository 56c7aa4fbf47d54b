import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { columnExists } from './migration-helpers.js';
import { THINGS_TABLE } from './things-table.testing.js';
import type { StorageSettings } from './storage-settings.js';
import { DATABASE_KINDS } from './testing/fresh-store.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres-harness.js';

const main: Record<string, Migration> = { '001_things': THINGS_TABLE };
const addColumn = (column: string): Migration => ({
  async up(db) {
    if (await columnExists(db, 'things', column)) return;
    await db.schema
      .alterTable('things')
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  },
});
const additive = { '002_thing_colour': addColumn('colour') };

/** A track's records as [name, timestamp], read without the code under test. */
async function recorded(db: Kysely<unknown>, table: string): Promise<[string, string][]> {
  const { rows } = await sql<{ name: string; timestamp: string }>`
    SELECT name, timestamp FROM ${sql.table(table)} ORDER BY name`.execute(db);
  return rows.map((row) => [row.name, row.timestamp]);
}
const names = async (db: Kysely<unknown>, table: string) => (await recorded(db, table)).map(([name]) => name);

/** The advisory lock Kysely's Migrator takes on PostgreSQL (its PostgresAdapter). */
const KYSELY_MIGRATION_LOCK_ID = BigInt('3853314791062309107');

/** Whether a session waits for an advisory lock (Kysely's migration lock, in these tests). */
async function lockWaiters(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ waiting: string }>`
    SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(db);
  return Number(rows[0]?.waiting) > 0;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (const until = Date.now() + 10_000; !(await condition()); await sleep(20)) {
    if (Date.now() > until) throw new Error('timed out waiting for another pod to wait for the lock');
  }
}

/** What the release before the additive track runs: Kysely's Migrator on its default tables. */
async function plainMigrator(db: Kysely<unknown>, migrations: Record<string, Migration>) {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  }).migrateToLatest();
}

describe.each(DATABASE_KINDS)('the main and additive migration tracks on %s', (kind) => {
  let dir: string;
  let postgres: TestPostgres | undefined;
  let db: Kysely<unknown>;
  let settings: StorageSettings;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'migration-tracks-'));
    if (kind === 'postgres') postgres = await startTestPostgres();
  });
  afterAll(() => {
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const name = expect
      .getState()
      .currentTestName!.toLowerCase()
      .replace(/[^a-z]+/g, '_')
      .slice(-40);
    // A schema of its own on PostgreSQL, as a service sharing a database has.
    settings = postgres
      ? { kind: 'postgres', url: await postgres.createDatabase(name), schema: 'things_service' }
      : { kind: 'sqlite', file: join(dir, `${name}.sqlite`) };
    db = createDatabase<unknown>(settings);
  });
  afterEach(() => db.destroy());

  it('records additive migrations on their own table, so the release before them accepts the store', async () => {
    await migrateToLatest(db, main, { additive });

    expect(await names(db, 'kysely_migration')).toEqual(['001_things']);
    expect(await names(db, 'kysely_migration_additive')).toEqual(['002_thing_colour']);
    expect(await columnExists(db, 'things', 'colour')).toBe(true);
    await expect(plainMigrator(db, main)).resolves.toEqual({ results: [] });
  });

  it('runs an additive migration again on a store that has what it adds', async () => {
    await migrateToLatest(db, main, { additive });
    await sql`DELETE FROM kysely_migration_additive`.execute(db);

    await migrateToLatest(db, main, { additive });
    expect(await names(db, 'kysely_migration_additive')).toEqual(['002_thing_colour']);
  });

  it('runs beside a newer release’s additive migrations, naming them once', async () => {
    await migrateToLatest(db, main, { additive: { ...additive, '003_thing_size': addColumn('size') } });
    const notes: string[] = [];

    await migrateToLatest(db, main, { additive, note: (line) => notes.push(line) });
    expect(notes).toEqual([
      'a newer release added 003_thing_size (additive migrations); this release runs beside them, leaving what they added alone',
    ]);
    // This release's own, sorting before the newer one's, still runs.
    const older = { ...additive, '002a_thing_weight': addColumn('weight') };
    await migrateToLatest(db, main, { additive: older, note: () => {} });
    expect(await columnExists(db, 'things', 'weight')).toBe(true);
  });

  it('refuses a store a newer release migrated on the main track, naming its migrations', async () => {
    const newer = { ...main, '002_things_renamed': { up: async () => {} } };
    await migrateToLatest(db, newer, { additive });

    await expect(migrateToLatest(db, main, { additive })).rejects.toThrow(
      'the store was migrated by a newer release (002_things_renamed), which changed the schema in a way ' +
        'this release cannot use: roll forward to that release, or restore the store from before it',
    );
  });

  if (kind === 'postgres') {
    it('names a newer release’s main-track migration recorded while this one waited for the lock', async () => {
      await migrateToLatest(db, main, { additive });
      // Another pod holds Kysely's migration lock, as a newer release's does while it migrates.
      const other = createDatabase<unknown>(settings);
      try {
        const starting = await other.connection().execute(async (connection) => {
          await sql`SELECT pg_advisory_lock(${sql.lit(KYSELY_MIGRATION_LOCK_ID)})`.execute(connection);
          // This pod looks at the records (none newer yet), then waits for the lock.
          const started = migrateToLatest(db, main, { additive }).then(
            () => 'started',
            (error: Error) => error.message,
          );
          await waitFor(() => lockWaiters(connection));
          await sql`INSERT INTO things_service.kysely_migration (name, timestamp)
            VALUES ('002_things_renamed', '2030-01-01T00:00:00.000Z')`.execute(connection);
          await sql`SELECT pg_advisory_unlock(${sql.lit(KYSELY_MIGRATION_LOCK_ID)})`.execute(connection);
          return started;
        });
        expect(starting).toContain('the store was migrated by a newer release (002_things_renamed)');
      } finally {
        await other.destroy();
      }
    });

    it('runs beside a newer release’s additive migration recorded between this one’s two tracks', async () => {
      await migrateToLatest(db, main, { additive });
      const other = createDatabase<unknown>(settings);
      const notes: string[] = [];
      try {
        await other.connection().execute(async (connection) => {
          let newerPod: Promise<void> | undefined;
          // This release's new main-track migration runs under the lock; meanwhile a newer release's pod
          // queues for it, so that it migrates between this pod's two tracks.
          const withNewMain = {
            ...main,
            '002_things_indexed': {
              up: async () => {
                newerPod = (async () => {
                  await sql`SELECT pg_advisory_lock(${sql.lit(KYSELY_MIGRATION_LOCK_ID)})`.execute(
                    connection,
                  );
                  // This pod has looked at the additive records (none newer yet) and waits for the lock.
                  await waitFor(() => lockWaiters(connection));
                  await sql`INSERT INTO things_service.kysely_migration_additive (name, timestamp)
                    VALUES ('003_thing_size', '2030-01-01T00:00:00.000Z')`.execute(connection);
                  await sql`SELECT pg_advisory_unlock(${sql.lit(KYSELY_MIGRATION_LOCK_ID)})`.execute(
                    connection,
                  );
                })();
                await waitFor(() => lockWaiters(db));
              },
            },
          };
          await migrateToLatest(db, withNewMain, { additive, note: (line) => notes.push(line) });
          await newerPod;
        });
        expect(notes).toEqual([
          'a newer release added 003_thing_size (additive migrations); this release runs beside them, leaving what they added alone',
        ]);
        expect(await names(db, 'kysely_migration')).toEqual(['001_things', '002_things_indexed']);
      } finally {
        await other.destroy();
      }
    });
  }
});
