import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { SizedQueryCache } from './sized-query-cache.js';
import { DATABASE_KINDS, freshStore } from './testing/fresh-store.js';

interface Schema {
  items: { id: string; position: number };
}

const migrations: Record<string, Migration> = {
  '001_items': {
    up: (db: Kysely<unknown>) =>
      db.schema
        .createTable('items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .execute(),
  },
};

async function openItems(settings: Parameters<typeof createDatabase>[0]) {
  const db = createDatabase<Schema>(settings);
  await migrateToLatest(db as Kysely<unknown>, migrations);
  return { db, close: () => db.destroy() };
}

const itemValues = (item: Schema['items']) => [item.id, item.position];
const items = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, position) => ({ id: `${prefix}-${position}`, position }));

describe.each(DATABASE_KINDS)('SizedQueryCache on %s', (kind) => {
  const opened = freshStore(kind, 'sized_query_cache', openItems);
  // Around each length where a list is cut into statements of other lengths, and beyond one statement.
  const lengths = [1, 31, 32, 33, 49, 50, 51, 74, 75, 76, 499, 500, 501, 525, 526, 1001];

  it.each(lengths)(
    'writes each of a list of %i rows exactly once, returning the new ones',
    async (length) => {
      const { db } = opened();
      const insert = (rows: readonly Schema['items'][]) =>
        db
          .insertInto('items')
          .values([...rows])
          .onConflict((conflict) => conflict.column('id').doNothing());
      const insertRows = new SizedQueryCache(insert, itemValues);
      const insertReturning = new SizedQueryCache(
        (rows: readonly Schema['items'][]) => insert(rows).returning('id'),
        itemValues,
      );
      const all = items(`len${length}`, length);
      const known = all.filter((item) => item.position % 2 === 0);
      const fresh = all.filter((item) => item.position % 2 === 1);

      await expect(insertRows.execute(db, known)).resolves.toMatchObject({
        numAffectedRows: BigInt(known.length),
      });
      const { rows } = await insertReturning.execute(db, all);
      expect(rows.map((row) => row.id).sort()).toEqual(fresh.map((item) => item.id).sort());
      await expect(insertRows.execute(db, all)).resolves.toMatchObject({ numAffectedRows: 0n });
      const stored = await db
        .selectFrom('items')
        .select(['id', 'position'])
        .where('id', 'like', `len${length}-%`)
        .execute();
      expect(stored.map((row) => `${row.id}@${row.position}`).sort()).toEqual(
        all.map((item) => `${item.id}@${item.position}`).sort(),
      );
    },
  );
});

describe('SizedQueryCache', () => {
  const opened = freshStore('sqlite', 'sized_query_cache_sizes', openItems);

  it('compiles a bounded set of row counts, however the lengths of the lists vary', async () => {
    const { db } = opened();
    const compiled = new Set<number>();
    const echo = new SizedQueryCache(
      (ids: readonly string[]) => {
        compiled.add(ids.length);
        return db
          .selectFrom(sql<{ column1: string }>`(values ${sql.join(ids.map((id) => sql`(${id})`))})`.as('v'))
          .select('v.column1 as id');
      },
      (id: string) => [id],
    );
    for (let length = 1; length <= 1000; length++) {
      const ids = items('echo', length).map((item) => item.id);
      const { rows } = await echo.execute(db, ids);
      expect(rows.map((row) => row.id)).toEqual(ids);
    }
    // Each count is one SQL text that SQLite prepares and keeps: 1 to 32, and 19 multiples of 25 up to 500.
    expect(compiled.size).toBeLessThanOrEqual(51);
  });

  it('refuses values that are not the ones the built query binds, in its order', async () => {
    const { db } = opened();
    const swapped = new SizedQueryCache(
      (rows: readonly Schema['items'][]) => db.insertInto('items').values([...rows]),
      (item: Schema['items']) => [item.position, item.id],
    );
    await expect(swapped.execute(db, items('swapped', 2))).rejects.toThrow(/are not the ones it binds/);
  });
});
