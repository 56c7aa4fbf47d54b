import { startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { ConcurrentChangeError } from './alert-store.port.js';
import { KyselyAlertStore } from './kysely-alert.store.js';
import { alert, firing, rule } from './testing/store-contract.fixtures.js';
import { lockWaits, session } from './testing/postgres-sessions.js';

// The store's own writers take their locks in one order; a session that does not (an administrator's, a
// future writer's) can still deadlock with them, and PostgreSQL then ends one of the transactions.
describe('alert store on postgres: a transaction ended for a deadlock', () => {
  let postgres: TestPostgres;
  let store: KyselyAlertStore;
  let url: string;
  beforeAll(async () => {
    postgres = await startTestPostgres();
    url = await postgres.createDatabase('alert_deadlock');
    // Statements may wait for a lock longer than the test holds one.
    store = await KyselyAlertStore.open({
      kind: 'postgres',
      url,
      timeouts: { statementMs: 20_000, queryMs: 25_000 },
    });
  });
  afterAll(async () => {
    await store?.close();
    postgres?.stop();
  });

  it('is a ConcurrentChangeError, which use cases retry, not an internal error', async () => {
    await store.insertRule(rule('rule-a'));
    await store.applyChanges(firing(alert('a-1', { deviceId: 'dev-1' }), null));
    await store.applyChanges(firing(alert('a-2', { deviceId: 'dev-2' }), null));
    const [other, watcher] = await Promise.all([session(url), session(url)]);
    try {
      // The other session gives up waiting much later, so the store's transaction is the one ended.
      await other.query("SET deadlock_timeout = '60s'");
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM alerts WHERE id = $1 FOR UPDATE', ['a-2']);
      // The rule edit locks a-1, then waits for a-2; the other session then waits for a-1.
      const edit = store.changeRule('rule-a', (current) => ({
        rule: { ...current, name: 'renamed' },
        changeOpen: () => ({ writes: [], events: [], outbox: [] }),
      }));
      await lockWaits(watcher, 1);
      const otherLock = other.query('SELECT 1 FROM alerts WHERE id = $1 FOR UPDATE', ['a-1']);

      await expect(edit).rejects.toThrow(ConcurrentChangeError);
      await expect(edit).rejects.toMatchObject({ cause: { code: '40P01' } });
      await otherLock;
      await other.query('COMMIT');
      await expect(store.findRule('rule-a')).resolves.toEqual(rule('rule-a'));
    } finally {
      await Promise.all([other.end(), watcher.end()]);
    }
  });
});
