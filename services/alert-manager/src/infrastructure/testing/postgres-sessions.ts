import pg from 'pg';
import { eventually } from '@iot-mesh/platform/testing';

// Sessions of their own on a store's PostgreSQL database, for tests that hold locks and watch who waits.

/** A session on the database, as an administrator (or a slow writer) has one. */
export async function session(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Waits until `count` sessions of the database are waiting for a lock. */
export function lockWaits(watcher: pg.Client, count: number): Promise<true> {
  return eventually(async () => {
    const { rows } = await watcher.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0].waiting >= count || undefined;
  }, `${count} sessions waiting for a lock`);
}

/**
 * The deadlocks PostgreSQL found in the database so far. A session reports its counts when it ends, so
 * every other session is ended first: count last, the services' pools may yet hand out one so ended.
 */
export async function deadlocks(url: string): Promise<number> {
  const client = await session(url);
  try {
    await client.query(
      `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const { rows } = await client.query<{ deadlocks: number }>(
      'SELECT deadlocks::int FROM pg_stat_database WHERE datname = current_database()',
    );
    return rows[0].deadlocks;
  } finally {
    await client.end();
  }
}
