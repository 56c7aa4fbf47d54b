import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { createDatabase, describeStorage } from './database.js';
import {
  checkStorage,
  DEFAULT_POSTGRES_TIMEOUTS,
  storageEnv,
  toStorageSettings,
} from './storage-settings.js';

const schema = z.object(storageEnv).superRefine(checkStorage);
const postgres = { STORAGE: 'postgres', DATABASE_URL: 'postgres://db.internal/iot' };

describe('the storage variables', () => {
  it('give PostgreSQL the default timeouts, or those set', () => {
    const defaults = toStorageSettings(schema.parse(postgres), 'alert-manager');
    const set = toStorageSettings(
      schema.parse({ ...postgres, DATABASE_CONNECT_TIMEOUT_MS: '100', DATABASE_QUERY_TIMEOUT_MS: '9000' }),
      'alert-manager',
    );

    expect(defaults).toEqual({
      kind: 'postgres',
      url: postgres.DATABASE_URL,
      schema: 'alert_manager',
      timeouts: DEFAULT_POSTGRES_TIMEOUTS,
    });
    expect(set).toMatchObject({ timeouts: { ...DEFAULT_POSTGRES_TIMEOUTS, connectMs: 100, queryMs: 9000 } });
  });

  it('refuse a query timeout not above the statement timeout, with PostgreSQL only', () => {
    const equal = { DATABASE_STATEMENT_TIMEOUT_MS: '4000', DATABASE_QUERY_TIMEOUT_MS: '4000' };

    expect(schema.safeParse({ ...postgres, ...equal }).error?.issues).toEqual([
      expect.objectContaining({
        path: ['DATABASE_QUERY_TIMEOUT_MS'],
        message: 'must be above DATABASE_STATEMENT_TIMEOUT_MS',
      }),
    ]);
    expect(schema.safeParse(equal).success).toBe(true);
  });

  it('refuse a DATABASE_URL that does not parse, without repeating it', () => {
    const url = 'postgres://postgres:secretpw@127.0.0.1:notaport/iot';

    const issues = schema.safeParse({ ...postgres, DATABASE_URL: url }).error?.issues;
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['DATABASE_URL'],
        message:
          'must be a postgres:// URL, and this one cannot be parsed (check the host, port and %-escapes)',
      }),
    ]);
    expect(JSON.stringify(issues?.map(({ path, message }) => ({ path, message })))).not.toContain('secretpw');
    expect(schema.safeParse({ ...postgres, DATABASE_URL: 'mysql://db/iot' }).error?.issues).toEqual([
      expect.objectContaining({ message: 'must be a postgres:// URL' }),
    ]);
  });
});

describe('the SQLite variables', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-variables-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** SQLite's own value of a pragma on a store opened with the variables. */
  async function pragmaOf(pragma: string, env: Record<string, string>): Promise<unknown> {
    const db = createDatabase<unknown>(
      toStorageSettings(schema.parse({ DATA_DIR: dir, ...env }), 'processor'),
    );
    try {
      const { rows } = await sql<Record<string, unknown>>`PRAGMA ${sql.raw(pragma)}`.execute(db);
      return rows[0]?.[pragma];
    } finally {
      await db.destroy();
    }
  }

  it('SQLITE_SYNCHRONOUS: commits to the disk at every transaction when full, at checkpoints by default', async () => {
    // 1 NORMAL, 2 FULL.
    expect(await pragmaOf('synchronous', {})).toBe(1);
    expect(await pragmaOf('synchronous', { SQLITE_SYNCHRONOUS: 'full' })).toBe(2);
  });

  it('SQLITE_CHECKPOINTS: commits checkpoint at 1,000 pages inline, only past 10,000 by default (background)', async () => {
    expect(await pragmaOf('wal_autocheckpoint', {})).toBe(10_000);
    expect(await pragmaOf('wal_autocheckpoint', { SQLITE_CHECKPOINTS: 'inline' })).toBe(1_000);
  });

  it.each(['SQLITE_SYNCHRONOUS', 'SQLITE_CHECKPOINTS'])(
    '%s refuses any other value, naming itself',
    (name) => {
      expect(schema.safeParse({ [name]: 'off' }).error?.issues).toEqual([
        expect.objectContaining({ path: [name] }),
      ]);
    },
  );
});

describe('describeStorage', () => {
  it('describes a PostgreSQL URL that does not parse without throwing and without its password', () => {
    const settings = {
      kind: 'postgres' as const,
      url: 'postgres://u:secretpw@h:notaport/iot',
      schema: 'svc',
    };
    expect(describeStorage(settings)).toBe('postgres://<unparsable URL> (schema svc)');
  });
});
