import { AlertState, Severity } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { firstValueFrom } from 'rxjs';
import { deadlocks } from '../src/infrastructure/testing/postgres-sessions.js';
import { newRule, reading } from './alert-manager-process.js';
import { cursorsOf, inOppositeOrders, twoReplicas, underWay } from './postgres-replicas.js';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(() => postgres?.stop());

const BOTH_SUCCEED = { evaluation: 'OK', change: 'OK' };

describe('a rule edit on one replica while another evaluates readings of the rule', () => {
  const db = twoReplicas(() => postgres, 'edit_during_evaluation');

  it('waits for the evaluation, or it for the edit, instead of deadlocking', async () => {
    const [first, second] = db.replicas();
    const rule = await first.createRule(newRule('Hot', { threshold: 30 }));
    const devices = Array.from({ length: 12 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
    await first.evaluate(devices.map((device) => reading(`${device}-0`, device, 40, 0)));
    // Evaluation writes a rule's alerts in device order. The edit must not take them in another order
    // (it took them by alert id) while the evaluation is under way: a pair the two orders take the other
    // way round shows it.
    const [early, late] = inOppositeOrders(await first.alertsOf(rule.id));

    const raced = await underWay(
      db.url(),
      ['SELECT 1 FROM alert_manager.alerts WHERE id = $1 FOR UPDATE', early.id],
      () =>
        second.evaluate([reading('early-1', early.deviceId, 41, 1), reading('late-1', late.deviceId, 41, 1)]),
      () =>
        firstValueFrom(
          first.api.updateRule({
            rule: { ...rule, severity: Severity.SEVERITY_WARNING },
            updateMask: ['severity'],
          }),
        ),
    );
    expect(raced).toEqual(BOTH_SUCCEED);
    const alerts = await first.alertsOf(rule.id);
    expect(alerts.map((alert) => alert.severity)).toEqual(devices.map(() => Severity.SEVERITY_WARNING));
    expect(alerts.find((alert) => alert.id === late.id)?.value).toBe(41);
    // Not even one found and retried.
    expect(await deadlocks(db.url())).toBe(0);
  });
});

describe('a rule delete on one replica while another evaluates readings of the rule', () => {
  const db = twoReplicas(() => postgres, 'delete_during_evaluation');

  it('waits for the evaluation, which leaves no evaluation cursor of the rule behind', async () => {
    const [first, second] = db.replicas();
    const rule = await first.createRule(newRule('Deleted', { threshold: 30 }));
    // Breached: the rule keeps cursors of its own for the devices while their alerts are open.
    await second.evaluate([reading('known-0', 'known', 40, 0)]);

    // The evaluation moves the known device's cursor, then writes the new device's first one.
    const raced = await underWay(
      db.url(),
      ['SELECT 1 FROM alert_manager.evaluation_cursors WHERE rule_id = $1 FOR UPDATE', rule.id],
      () => second.evaluate([reading('known-1', 'known', 40, 1), reading('new-1', 'new', 40, 1)]),
      () => firstValueFrom(first.api.deleteRule({ id: rule.id })),
    );
    expect(raced).toEqual(BOTH_SUCCEED);
    expect(await cursorsOf(db.url(), rule.id)).toEqual([]);
    expect(await deadlocks(db.url())).toBe(0);
  });
});

// The second replica keeps the rules it read for the whole test, as any replica does for RULE_CACHE_TTL_MS.
describe('a rule changed on one replica while another has it cached', () => {
  const db = twoReplicas(() => postgres, 'stale_rule_cache', { RULE_CACHE_TTL_MS: '600000' });

  it('is not judged by the cached version: an alert the edit resolved is not opened again', async () => {
    const [editing, cached] = db.replicas();
    const rule = await editing.createRule(newRule('Hot', { threshold: 30 }));
    await cached.evaluate([reading('warm-0', 'warm', 10, 0)]);
    await editing.evaluate([reading('hot-1', 'hot', 40, 1)]);
    await firstValueFrom(
      editing.api.updateRule({ rule: { ...rule, threshold: 50 }, updateMask: ['threshold'] }),
    );

    await expect(cached.evaluate([reading('hot-2', 'hot', 40, 2)])).resolves.toMatchObject({
      changedAlerts: [],
    });
    expect((await editing.alertsOf(rule.id)).map((alert) => alert.state)).toEqual([
      AlertState.ALERT_STATE_RESOLVED,
    ]);
    // From then on the replica judges by the rule as it is now.
    const { changedAlerts } = await cached.evaluate([reading('hot-3', 'hot', 55, 3)]);
    expect(changedAlerts.map((alert) => alert.summary)).toEqual(['Hot: temperature > 50 on hot']);
  });

  it('writes no evaluation cursors for a rule deleted meanwhile', async () => {
    const [editing, cached] = db.replicas();
    // Made on the caching replica, which then reads it at its next evaluation.
    const rule = await cached.createRule(newRule('Gone'));
    await cached.evaluate([reading('cool-0', 'cool-0', 10, 0)]);
    await firstValueFrom(editing.api.deleteRule({ id: rule.id }));

    await expect(
      cached.evaluate([reading('cool-1', 'cool-1', 10, 1), reading('cool-2', 'cool-2', 10, 1)]),
    ).resolves.toMatchObject({ changedAlerts: [] });
    expect(await cursorsOf(db.url(), rule.id)).toEqual([]);
  });
});
