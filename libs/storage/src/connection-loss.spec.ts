import { status } from '@grpc/grpc-js';
import { jest } from '@jest/globals';
import { toGrpcError, UnavailableError } from '@iot-mesh/platform';
import { eventually } from '@iot-mesh/platform/testing';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, describeStorage } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { StorageSettings } from './storage-settings.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres-harness.js';

interface Schema {
  notes: { id: string };
}

/** Ends every other connection to the database, as an administrator can, waiting until they are gone. */
async function terminateOtherConnections(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(
    `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  await admin.end();
}

/** What the code under test writes to stderr meanwhile, kept off the test output. */
function captureStderr(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(UnavailableError);
  expect(error).toMatchObject({ code: 'STORAGE.UNAVAILABLE' });
  expect(toGrpcError(error as UnavailableError).code).toBe(status.UNAVAILABLE);
}

describe('a PostgreSQL store that loses its connections', () => {
  let postgres: TestPostgres;
  let settings: StorageSettings & { kind: 'postgres' };
  let db: Kysely<Schema>;
  const noteIds = async () =>
    (await db.selectFrom('notes').select('id').orderBy('id').execute()).map((n) => n.id);

  beforeAll(async () => {
    postgres = await startTestPostgres();
    settings = {
      kind: 'postgres',
      url: await postgres.createDatabase('connection_loss'),
      schema: 'spec_service',
    };
    db = createDatabase<Schema>(settings);
    await migrateToLatest(db as Kysely<unknown>, {
      '001_notes': { up: (db) => db.schema.createTable('notes').addColumn('id', 'text').execute() },
    });
  });
  afterAll(async () => {
    await db?.destroy();
    postgres?.stop();
  });

  it('outlives the server ending its idle connections, says so, and connects anew for the next query', async () => {
    // Three queries at once leave three idle connections in the pool.
    await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`.execute(db)));
    const stderr = captureStderr();
    try {
      await terminateOtherConnections(settings.url);
      await eventually(() => (stderr.lines.length >= 3 ? true : undefined), 'a warning per idle connection');
    } finally {
      stderr.restore();
    }

    expect(stderr.lines[0]).toBe(
      `lost an idle connection to ${describeStorage(settings)}: terminating connection due to administrator command\n`,
    );
    await db.insertInto('notes').values({ id: 'after-termination' }).execute();
    expect(await noteIds()).toContain('after-termination');
  });

  it('fails a transaction whose connection the server ended as UNAVAILABLE, and writes nothing', async () => {
    const stderr = captureStderr();
    let failure: unknown;
    try {
      failure = await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('notes').values({ id: 'in-lost-transaction' }).execute();
          await terminateOtherConnections(settings.url);
          await trx.insertInto('notes').values({ id: 'after-loss' }).execute();
        })
        .catch((error: unknown) => error);
    } finally {
      stderr.restore();
    }

    expectUnavailable(failure);
    expect(await noteIds()).not.toContain('in-lost-transaction');
  });

  it('answers UNAVAILABLE while the server is down and serves again once it is back', async () => {
    await db.insertInto('notes').values({ id: 'before-restart' }).execute();
    const stderr = captureStderr();
    let whileDown: unknown;
    try {
      whileDown = await postgres.whileStopped(() => noteIds().catch((error: unknown) => error));
    } finally {
      stderr.restore();
    }

    expectUnavailable(whileDown);
    expect(await noteIds()).toContain('before-restart');
  });

  it('passes the error of a failing statement through as it is', async () => {
    const failure = await sql`SELECT * FROM no_such_table`.execute(db).catch((error: unknown) => error);

    expect(failure).not.toBeInstanceOf(UnavailableError);
    expect(failure).toMatchObject({ code: '42P01' });
  });
});
