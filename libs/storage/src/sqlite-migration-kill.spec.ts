import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { columnExists } from './migration-helpers.js';
import { THINGS_TABLE } from './things-table.testing.js';

// A process that migrates the store with this package as built, and stops for good halfway through its
// second migration (after its first statement), saying so: as a pod killed mid-migration.
const HALFWAY_MIGRATOR = `
  import { createDatabase, migrateToLatest } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
  const db = createDatabase({ kind: 'sqlite', file: process.argv[1] });
  await migrateToLatest(db, {
    '001_things': { up: (db) => db.schema.createTable('things').addColumn('id', 'text', (c) => c.primaryKey()).execute() },
    '002_thing_size': {
      async up(db) {
        await db.schema.alterTable('things').addColumn('width', 'integer').execute();
        process.stdout.write('halfway\\n');
        await new Promise(() => {});
      },
    },
  });
`;

/** This release's migrations: the one the killed process was running, whole. */
const migrations: Record<string, Migration> = {
  '001_things': THINGS_TABLE,
  '002_thing_size': {
    async up(db) {
      await db.schema.alterTable('things').addColumn('width', 'integer').execute();
      await db.schema.alterTable('things').addColumn('height', 'integer').execute();
    },
  },
};

/** Runs the halfway migrator on the file and kills it (SIGKILL) once it is halfway. */
function killHalfway(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', HALFWAY_MIGRATOR, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('halfway')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve()
        : reject(new Error(`the migrator exited (${code}) before halfway: ${stderr}`)),
    );
  });
}

describe('a SQLite store whose migration was killed halfway', () => {
  let dir: string;
  let db: Kysely<unknown>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migration-kill-'));
  });
  afterEach(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates at the next start, as if that migration had never begun', async () => {
    const file = join(dir, 'store.sqlite');
    await killHalfway(file);

    db = createDatabase<unknown>({ kind: 'sqlite', file });
    await migrateToLatest(db, migrations);
    expect(await columnExists(db, 'things', 'width')).toBe(true);
    expect(await columnExists(db, 'things', 'height')).toBe(true);
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
    expect(rows.map((row) => row.name)).toEqual(['001_things', '002_thing_size']);
  });
});
