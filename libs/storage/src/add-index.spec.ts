import { sql, type Kysely } from 'kysely';
import { createDatabase } from './database.js';
import { addIndex } from './migration-helpers.js';
import { DATABASE_KINDS, freshStore } from './testing/fresh-store.js';

const THINGS = { name: 'things_by_colour', table: 'things', columns: ['colour', 'id'], whereNull: 'gone' };

describe.each(DATABASE_KINDS)('addIndex on %s', (kind) => {
  const opened = freshStore(kind, 'add_index', async (settings) => {
    const db = createDatabase<unknown>(settings);
    await sql`CREATE TABLE things (id text PRIMARY KEY, colour text NOT NULL, gone text)`.execute(db);
    await sql`INSERT INTO things (id, colour) VALUES ('a', 'red'), ('b', 'red')`.execute(db);
    return { db, close: () => db.destroy() };
  });
  const planOf = async (db: Kysely<unknown>) =>
    JSON.stringify(
      (
        await (
          kind === 'postgres'
            ? sql`EXPLAIN SELECT id FROM things WHERE colour = 'red' AND gone IS NULL ORDER BY id`
            : sql`EXPLAIN QUERY PLAN SELECT id FROM things WHERE colour = 'red' AND gone IS NULL ORDER BY id`
        ).execute(db)
      ).rows,
    );

  it('adds the index once, and again is a no-op', async () => {
    const { db } = opened();
    if (kind === 'postgres') await sql`SET enable_seqscan = off`.execute(db);
    await addIndex(db, THINGS);
    await addIndex(db, THINGS);
    expect(await planOf(db)).toContain('things_by_colour');
  });

  if (kind === 'postgres') {
    it('replaces an index a build cut short left invalid, which IF NOT EXISTS would keep', async () => {
      const { db } = opened();
      await sql`DROP INDEX IF EXISTS things_by_colour`.execute(db);
      // A unique build over duplicates fails and leaves the index behind, marked invalid.
      await expect(
        sql`CREATE UNIQUE INDEX CONCURRENTLY things_by_colour ON things (colour)`.execute(db),
      ).rejects.toThrow();
      const validity = () =>
        sql<{ valid: boolean }>`SELECT i.indisvalid AS valid FROM pg_index i
          JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'things_by_colour'`.execute(db);
      expect((await validity()).rows).toEqual([{ valid: false }]);

      await addIndex(db, THINGS);
      expect((await validity()).rows).toEqual([{ valid: true }]);
    });
  }
});
