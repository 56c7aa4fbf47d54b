import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createDatabase, describeStorage } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { StorageSettings } from './storage-settings.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres-harness.js';

interface Schema {
  notes: { id: string; body: string; size: number };
}

const migrations: Record<string, Migration> = {
  '001_notes': {
    up: (db: Kysely<unknown>) =>
      db.schema
        .createTable('notes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .execute(),
  },
};

describe.each(['sqlite', 'postgres'] as const)('storage on %s', (kind) => {
  let dir: string;
  let postgres: TestPostgres | undefined;
  let settings: StorageSettings;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-storage-'));
    if (kind === 'postgres') {
      postgres = await startTestPostgres();
      settings = { kind, url: await postgres.createDatabase('storage_spec'), schema: 'spec_service' };
    } else {
      settings = { kind, file: join(dir, 'nested', 'spec.sqlite') };
    }
  });
  afterAll(() => {
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, writes in a transaction and keeps the data across connections', async () => {
    const db = createDatabase<Schema>(settings);
    await migrateToLatest(db as Kysely<unknown>, migrations);
    await migrateToLatest(db as Kysely<unknown>, migrations); // a second run applies nothing
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notes')
        .values({ id: 'a', body: 'ünïcode; DROP TABLE notes;--', size: 2 ** 40 })
        .execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 'b', body: 'rolled back', size: 1 }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await db.destroy();

    const reopened = createDatabase<Schema>(settings);
    const rows = await reopened.selectFrom('notes').selectAll().execute();
    const count = await reopened
      .selectFrom('notes')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    await reopened.destroy();
    expect(rows).toEqual([{ id: 'a', body: 'ünïcode; DROP TABLE notes;--', size: 2 ** 40 }]);
    expect(Number(count.n)).toBe(1);
  });

  it('describes itself without credentials', () => {
    expect(describeStorage(settings)).toMatch(
      kind === 'sqlite'
        ? /^sqlite:.*spec\.sqlite$/
        : /^postgres:\/\/127\.0\.0\.1:\d+\/storage_spec \(schema spec_service\)$/,
    );
  });
});

describe('embedded SQLite adapter', () => {
  it('reuses prepared statements and still binds fresh parameters each time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-sqlite-'));
    const db = createDatabase<Schema>({ kind: 'sqlite', file: join(dir, 'cache.sqlite') });
    await migrateToLatest(db as Kysely<unknown>, migrations);
    for (let i = 0; i < 3; i++)
      await db
        .insertInto('notes')
        .values({ id: `n${i}`, body: `body ${i}`, size: i })
        .execute();
    const read = (id: string) =>
      db.selectFrom('notes').select('body').where('id', '=', id).executeTakeFirst();
    await expect(read('n0')).resolves.toEqual({ body: 'body 0' });
    await expect(read('n2')).resolves.toEqual({ body: 'body 2' });
    await expect(read('missing')).resolves.toBeUndefined();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
});
