import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AlertState } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { session } from '../src/infrastructure/testing/postgres-sessions.js';
import { newRule, reading } from './alert-manager-process.js';
import { AlertStack } from './alert-stack.js';
import { twoReplicas } from './postgres-replicas.js';

// Every rule watching a device's temperature sees the same readings of it: those with nothing open for
// the device share one evaluation cursor, so readings no rule is breached by cost the same writes
// whatever the number of rules, on the embedded store and on PostgreSQL with two replicas.

type CursorTable = 'evaluation_cursors' | 'quantity_cursors';

interface Store {
  /** The alert managers on the store: two replicas on PostgreSQL, the one service on SQLite. */
  replicas(): [AlertStack, AlertStack];
  rows(table: CursorTable): Promise<number>;
}

function sqliteStore(): Store {
  const stack = new AlertStack({ DEVICE_SWEEP_INTERVAL_MS: '0' }, {});
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());
  return {
    replicas: () => [stack, stack],
    rows: (table) => {
      const file = new DatabaseSync(join(stack.dataDirectory, 'alert-manager.sqlite'), { readOnly: true });
      try {
        return Promise.resolve(
          Number((file.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n),
        );
      } finally {
        file.close();
      }
    },
  };
}

function postgresStore(database: string): Store {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres?.stop());
  // The second reads the rules anew at each call: it judges by those the first just made.
  const db = twoReplicas(() => postgres, database, { RULE_CACHE_TTL_MS: '0' });
  return {
    replicas: () => db.replicas() as [AlertStack, AlertStack],
    rows: async (table) => {
      const client = await session(db.url());
      try {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM alert_manager.${table}`,
        );
        return rows[0].n;
      } finally {
        await client.end();
      }
    },
  };
}

const FLEET_RULES = 12;
const states = async (stack: AlertStack, ruleId: string) =>
  (await stack.alertsOf(ruleId)).map((alert) => [alert.deviceId, alert.state, alert.value]);

describe.each(['sqlite', 'postgres'] as const)('evaluation cursors of fleet-wide rules on %s', (kind) => {
  const store = kind === 'sqlite' ? sqliteStore() : postgresStore('fleet_rule_cursors');

  it('writes one cursor per device for readings no rule is breached by, whatever the number of rules', async () => {
    const [first, second] = store.replicas();
    for (let i = 0; i < FLEET_RULES; i++) {
      await first.createRule(newRule(`Never ${i}`, { threshold: 100 + i }));
    }
    const devices = ['calm-1', 'calm-2', 'calm-3'];
    await first.evaluate(devices.map((device) => reading(`${device}-a`, device, 20, 0)));
    await second.evaluate(devices.map((device) => reading(`${device}-b`, device, 21, 1)));

    expect(await store.rows('evaluation_cursors')).toBe(0);
    expect(await store.rows('quantity_cursors')).toBe(devices.length);
  });

  it('skips late readings for rules with nothing open, one created later too, and for a rule with an alert open', async () => {
    const [first, second] = store.replicas();
    const hot = await first.createRule(newRule('Hot', { scope: { deviceId: 'late-1' }, threshold: 30 }));
    await first.evaluate([reading('l-10', 'late-1', 20, 10)]);
    // Older than the reading evaluated: late, though it breaches.
    await second.evaluate([reading('l-5', 'late-1', 40, 5)]);
    expect(await states(first, hot.id)).toEqual([]);
    // A rule made now goes by the device's cursor: the late reading is late for it too.
    const later = await first.createRule(newRule('Later', { scope: { deviceId: 'late-1' }, threshold: 35 }));
    await second.evaluate([reading('l-6', 'late-1', 40, 6)]);
    expect(await states(first, later.id)).toEqual([]);

    // Both fire: from now on they keep cursors of their own, which skip late readings alike.
    await first.evaluate([reading('l-20', 'late-1', 40, 20)]);
    const firing = [['late-1', AlertState.ALERT_STATE_FIRING, 40]];
    expect([await states(first, hot.id), await states(first, later.id)]).toEqual([firing, firing]);
    const before = await store.rows('evaluation_cursors');
    expect(before).toBeGreaterThanOrEqual(2);
    await second.evaluate([reading('l-15', 'late-1', 20, 15)]);
    expect([await states(first, hot.id), await states(first, later.id)]).toEqual([firing, firing]);

    // Resolved, they go by the shared cursor again: their own ones are gone, late readings still skipped.
    await first.evaluate([reading('l-30', 'late-1', 20, 30)]);
    const resolved = [['late-1', AlertState.ALERT_STATE_RESOLVED, 20]];
    expect([await states(first, hot.id), await states(first, later.id)]).toEqual([resolved, resolved]);
    expect(await store.rows('evaluation_cursors')).toBe(before - 2);
    await second.evaluate([reading('l-25', 'late-1', 40, 25), reading('l-20', 'late-1', 40, 20)]);
    expect([await states(first, hot.id), await states(first, later.id)]).toEqual([resolved, resolved]);
    // A newer breach is evaluated by both.
    const { changedAlerts } = await second.evaluate([reading('l-40', 'late-1', 41, 40)]);
    expect(changedAlerts.map((alert) => alert.ruleId).sort()).toEqual([hot.id, later.id].sort());
  });

  it('fires each rule once when replicas evaluate the same breaching batch at once', async () => {
    const [first, second] = store.replicas();
    const rules = [];
    for (let i = 0; i < 4; i++) {
      rules.push(
        await first.createRule(newRule(`Raced ${i}`, { scope: { deviceId: 'raced-1' }, threshold: 30 + i })),
      );
    }
    await first.evaluate([reading('x-0', 'raced-1', 20, 0)]);
    const batch = [reading('x-1', 'raced-1', 32, 1), reading('x-2', 'raced-1', 45, 2)];
    const answers = await Promise.all([first.evaluate(batch), second.evaluate(batch), first.evaluate(batch)]);

    const fired = answers.flatMap((answer) => answer.changedAlerts);
    expect(fired.filter((alert) => alert.state === AlertState.ALERT_STATE_FIRING)).toHaveLength(rules.length);
    for (const rule of rules) {
      expect(await states(first, rule.id)).toEqual([['raced-1', AlertState.ALERT_STATE_FIRING, 45]]);
    }
  });
});
