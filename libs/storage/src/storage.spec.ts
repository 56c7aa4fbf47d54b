import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { jest } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createDatabase, describeStorage } from './database.js';
import { migrateToLatest } from './migrate.js';
import { SizedQueryCache } from './sized-query-cache.js';
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

  it('binds later lists of rows to the SQL compiled for the first list of their length', async () => {
    const db = createDatabase<Schema>(settings);
    await migrateToLatest(db as Kysely<unknown>, migrations);
    let compiled = 0;
    const upsert = new SizedQueryCache(
      (rows: readonly Schema['notes'][]) => {
        compiled += 1;
        return db
          .insertInto('notes')
          .values([...rows])
          .onConflict((conflict) =>
            conflict.column('id').doUpdateSet((eb) => ({ body: eb.ref('excluded.body') })),
          )
          .returning(['id', 'body']);
      },
      (row: Schema['notes']) => [row.id, row.body, row.size],
    );
    const note = (id: string, body: string) => ({ id: `sized-${id}`, body, size: 1 });
    const run = async (rows: Schema['notes'][]) => (await upsert.execute(db, rows)).rows;

    expect(await run([note('1', 'one'), note('2', 'two'), note('3', 'three')])).toHaveLength(3);
    expect(await run([note('4', 'four'), note('1', 'one again'), note('5', 'five')])).toEqual([
      { id: 'sized-4', body: 'four' },
      { id: 'sized-1', body: 'one again' },
      { id: 'sized-5', body: 'five' },
    ]);
    expect(await run([note('6', 'six'), note('7', 'seven')])).toHaveLength(2);
    expect(compiled).toBe(2);
    const stored = await db
      .selectFrom('notes')
      .select(['id', 'body'])
      .where('id', 'like', 'sized-%')
      .orderBy('id')
      .execute();
    await db.destroy();
    expect(stored.map((row) => `${row.id}=${row.body}`)).toEqual([
      'sized-1=one again',
      'sized-2=two',
      'sized-3=three',
      'sized-4=four',
      'sized-5=five',
      'sized-6=six',
      'sized-7=seven',
    ]);
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

  it('drops the statements used least recently once their SQL is too long in all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-sqlite-'));
    const db = createDatabase<Schema>({ kind: 'sqlite', file: join(dir, 'long.sqlite') });
    const prepared: string[] = [];
    const originalPrepare = DatabaseSync.prototype.prepare;
    const prepare = jest.spyOn(DatabaseSync.prototype, 'prepare').mockImplementation(function (
      this: DatabaseSync,
      text: string,
    ) {
      prepared.push(text.slice(0, 10));
      return originalPrepare.call(this, text);
    });
    // Four statements of 400,000 characters: more than the cache keeps in length, far fewer than in number.
    const long = (name: string) => sql.raw(`select '${name}' as name /* ${'x'.repeat(400_000)} */`);
    try {
      for (const name of ['a', 'b', 'c', 'd', 'a']) await long(name).execute(db);
    } finally {
      prepare.mockRestore();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(prepared).toEqual(["select 'a'", "select 'b'", "select 'c'", "select 'd'", "select 'a'"]);
  });
});
