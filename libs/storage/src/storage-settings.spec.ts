import { z } from 'zod';
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
});
