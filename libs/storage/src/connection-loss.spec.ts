import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { status } from '@grpc/grpc-js';
import { jest } from '@jest/globals';
import { toGrpcError, UnavailableError } from '@iot-mesh/platform';
import { eventually } from '@iot-mesh/platform/testing';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import pg from 'pg';
import { allowLongStatements, createDatabase, describeStorage } from './database.js';
import { migrateToLatest } from './migrate.js';
import { openStoreOrExit, STORE_UNAVAILABLE_EXIT_CODE } from './open-store-or-exit.js';
import type { PostgresTimeouts, StorageSettings } from './storage-settings.js';
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

/** What `operation` fails with; fails the test if it succeeds, or is still waiting after `ms` (a hang). */
async function failureWithin(ms: number, operation: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), ms)));
  try {
    const outcome = await Promise.race([operation.then(() => 'success' as const), hang]);
    throw new Error(outcome === 'hang' ? `still waiting after ${ms} ms` : 'succeeded, expected a failure');
  } catch (error) {
    if (error instanceof Error && /^(still waiting|succeeded)/.test(error.message)) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A TCP proxy to the server that can go silent as a network partition does: the connections open
 * then forward nothing either way and are never closed, and new ones are accepted but not forwarded
 * either. Once it forwards again, only connections made after that work, as after a middlebox
 * dropped the flows.
 */
async function startSilencingProxy(targetPort: number) {
  let silent = false;
  const connections = new Set<{ sockets: Socket[]; silenced: boolean }>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { sockets: [client, upstream], silenced: silent };
    connections.add(pair);
    client.on('data', (chunk) => pair.silenced || upstream.write(chunk));
    upstream.on('data', (chunk) => pair.silenced || client.write(chunk));
    for (const socket of pair.sockets) {
      socket.on('error', () => undefined);
      // A silenced connection's other end stays open, as the server's does across a partition.
      socket.on('close', () => pair.silenced || pair.sockets.forEach((s) => s.destroy()));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    silence() {
      silent = true;
      for (const pair of connections) pair.silenced = true;
    },
    forward() {
      silent = false;
    },
    close() {
      for (const pair of connections) pair.sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

const withPort = (url: string, port: number) => Object.assign(new URL(url), { port: String(port) }).href;

// Short, so the tests wait little; the query timeout is kept above the statement timeout, as the
// configuration requires.
const timeouts: PostgresTimeouts = {
  connectMs: 1_000,
  statementMs: 1_000,
  queryMs: 1_500,
  idleInTransactionMs: 1_500,
};
const notesTable: Record<string, Migration> = {
  '001_notes': { up: (db) => db.schema.createTable('notes').addColumn('id', 'text').execute() },
};

describe('a PostgreSQL store whose connections go silent', () => {
  let postgres: TestPostgres;
  let proxy: Awaited<ReturnType<typeof startSilencingProxy>>;
  let directUrl: string;
  let settings: StorageSettings & { kind: 'postgres' };
  let db: Kysely<Schema>;
  const noteIds = async () =>
    (await db.selectFrom('notes').select('id').orderBy('id').execute()).map((n) => n.id);
  const past = (ms: number) => sql`SELECT pg_sleep(${(ms + 300) / 1_000})`;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    directUrl = await postgres.createDatabase('silent_connections');
    proxy = await startSilencingProxy(Number(new URL(directUrl).port));
    settings = { kind: 'postgres', url: withPort(directUrl, proxy.port), schema: 'spec_service', timeouts };
  });
  beforeEach(async () => {
    db = createDatabase<Schema>(settings);
    await migrateToLatest(db as Kysely<unknown>, notesTable);
  });
  afterEach(async () => {
    proxy.forward();
    await db.destroy();
  });
  afterAll(() => {
    proxy?.close();
    postgres?.stop();
  });

  it('fails a statement on a silenced connection as UNAVAILABLE within the query timeout, and serves again over new connections once the network is back', async () => {
    await db.insertInto('notes').values({ id: 'before-silence' }).execute(); // leaves a pooled connection
    proxy.silence();

    const onSilencedConnection = await failureWithin(10_000, noteIds());
    // A new connection meets the same silence, and the connect timeout.
    const onNewConnection = await failureWithin(10_000, noteIds());
    proxy.forward();

    expectUnavailable(onSilencedConnection);
    expect(onSilencedConnection).toMatchObject({
      message: `database unavailable: the server did not answer within ${timeouts.queryMs} ms`,
    });
    expectUnavailable(onNewConnection);
    expect((onNewConnection as Error).message).toMatch(/connection timeout/);
    // One after another, each on the pool's most recent connection: the silenced one, had it been kept.
    for (const _ of [1, 2, 3]) expect(await noteIds()).toEqual(['before-silence']);
  });

  it('has the server end a transaction whose client went silent, so that its row lock is released', async () => {
    await db.insertInto('notes').values({ id: 'contended' }).execute();
    const admin = new pg.Client({ connectionString: directUrl });
    await admin.connect();
    try {
      let lockTaken: Promise<unknown> = Promise.resolve();
      const failure = await failureWithin(
        10_000,
        db.transaction().execute(async (trx) => {
          await trx.selectFrom('notes').select('id').where('id', '=', 'contended').forUpdate().execute();
          proxy.silence();
          // Another session waits for the row from now on, behind the transaction left open.
          lockTaken = admin.query(
            `SET lock_timeout = 10000; SELECT id FROM spec_service.notes WHERE id = 'contended' FOR UPDATE`,
          );
          await trx.updateTable('notes').set({ id: 'changed' }).where('id', '=', 'contended').execute();
        }),
      );

      expectUnavailable(failure);
      await expect(lockTaken).resolves.toBeDefined();
      // The ended session releases its locks as it aborts and leaves pg_stat_activity as it exits, a
      // moment later: the lock may be taken while it is still listed. Well within the server's
      // idle-in-transaction timeout (1.5 s), which would end any other session left open.
      const idleInTransaction = async () => {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        );
        return rows[0]?.n === 0 ? rows : undefined;
      };
      expect(await eventually(idleInTransaction, 'no session left idle in a transaction', 500)).toEqual([
        { n: 0 },
      ]);
    } finally {
      await admin.end();
    }
  });

  it('has the server cut a statement past the statement timeout, as UNAVAILABLE, but runs migrations and allowLongStatements to their end', async () => {
    const failure = await failureWithin(10_000, past(timeouts.statementMs).execute(db));
    const afterFailure = await sql`SELECT 1`.execute(db);
    const migrated = createDatabase<unknown>({ ...settings, schema: 'spec_slow_migration' });
    try {
      await migrateToLatest(migrated, {
        '001_slow': { up: async (db) => void (await past(timeouts.queryMs).execute(db)) },
      });
    } finally {
      await migrated.destroy();
    }
    const long = await allowLongStatements(() => past(timeouts.queryMs).execute(db));

    expectUnavailable(failure);
    expect(failure).toMatchObject({
      message: 'database unavailable: canceling statement due to statement timeout',
    });
    expect(afterFailure.rows).toHaveLength(1);
    expect(long.rows).toHaveLength(1);
  });

  it('fails a call that gets no free connection within the connect timeout as UNAVAILABLE', async () => {
    const outcomeOf = (call: Promise<unknown>) => call.then(() => 'ran').catch((error: unknown) => error);
    // More at once than there are connections for long statements.
    const outcomes = await allowLongStatements(() =>
      Promise.all([1, 2, 3, 4, 5].map(() => outcomeOf(past(timeouts.connectMs).execute(db)))),
    );

    expect(outcomes).toContain('ran');
    const failures = outcomes.filter((outcome) => outcome !== 'ran');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expectUnavailable(failure);
      expect(failure).toMatchObject({
        message: 'database unavailable: timeout exceeded when trying to connect',
      });
    }
  });
});

describe('opening a PostgreSQL store whose server accepts connections but never answers', () => {
  let mute: Server;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    mute = createServer((socket) => accepted.push(socket));
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
  });
  afterAll(() => {
    accepted.forEach((socket) => socket.destroy());
    mute.close();
  });

  it('stops the start with one line naming the store and exit code 69, within the connect timeout', async () => {
    const { port } = mute.address() as AddressInfo;
    const settings: StorageSettings = {
      kind: 'postgres',
      url: `postgres://postgres@127.0.0.1:${port}/iot`,
      schema: 'spec_service',
      timeouts,
    };
    const stderr = captureStderr();
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    let failure: unknown;
    try {
      failure = await failureWithin(
        10_000,
        openStoreOrExit(settings, async (opened) => {
          const db = createDatabase<unknown>(opened);
          await migrateToLatest(db, notesTable);
          return db;
        }),
      );
    } finally {
      stderr.restore();
      exit.mockRestore();
    }

    expect(failure).toMatchObject({ message: `exit ${STORE_UNAVAILABLE_EXIT_CODE}` });
    expect(stderr.lines).toEqual([
      `cannot open the store at postgres://127.0.0.1:${port}/iot (schema spec_service): database unavailable: Connection terminated due to connection timeout\n`,
    ]);
  });
});
