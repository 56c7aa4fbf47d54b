import { jest } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase } from './database.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres-harness.js';

/**
 * Counts the queries issued on a pg client while another of its queries runs, which pg queues and
 * deprecates (a DeprecationWarning once per process).
 */
function countQueuedQueries(): { queued: () => number; restore: () => void } {
  const query = pg.Client.prototype.query;
  const running = new WeakMap<object, number>();
  let queued = 0;
  const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const before = running.get(this) ?? 0;
    if (before > 0) queued += 1;
    running.set(this, before + 1);
    const done = () => running.set(this, (running.get(this) ?? 1) - 1);
    const result: unknown = Reflect.apply(query, this, args);
    if (result instanceof Promise) result.then(done, done);
    else done();
    return result;
  });
  return { queued: () => queued, restore: () => spy.mockRestore() };
}

describe('PostgreSQL connections of a service with a schema', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres?.stop());

  it('start in its schema with the store’s timeouts and the URL’s own startup options, which win, and run no statement queued behind another', async () => {
    const queries = countQueuedQueries();
    const url = await postgres.createDatabase('search_path');
    const db = createDatabase<unknown>({
      kind: 'postgres',
      url: `${url}?options=${encodeURIComponent('-c statement_timeout=4321')}`,
      schema: 'spec_service',
    });
    try {
      // Three at once: three connections, each of them new.
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          sql<{ schema: string; timeout: string; idle: string }>`
            SELECT current_schema() AS schema, current_setting('statement_timeout') AS timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle
          `.execute(db),
        ),
      );

      expect(results.flatMap((result) => result.rows)).toEqual(
        Array(3).fill({ schema: 'spec_service', timeout: '4321ms', idle: '5s' }),
      );
      expect(queries.queued()).toBe(0);
    } finally {
      queries.restore();
      await db.destroy();
    }
  });
});
