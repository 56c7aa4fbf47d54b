import { createDatabase, type StorageSettings } from '@iot-mesh/storage';
import { freshStore } from '@iot-mesh/storage/testing';
import { sql, type Kysely } from 'kysely';
import { AlertState } from '../alerts/domain/alert.js';
import type { AlertDatabase } from './alert.schema.js';
import { KyselyAlertStore } from './kysely-alert.store.js';
import { alert, firedAndResolved, firing, rule } from './testing/store-contract.fixtures.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;
const HORIZON = NOW - 30 * DAY;

/** The query plan as one line of text, on either database. */
async function plan(db: Kysely<AlertDatabase>, kind: string, query: string): Promise<string> {
  const explain = kind === 'sqlite' ? sql.raw(`explain query plan ${query}`) : sql.raw(`explain ${query}`);
  const { rows } = await explain.execute(db);
  return JSON.stringify(rows);
}

describe.each(['sqlite', 'postgres'] as const)('alert store on %s: history retention', (kind) => {
  let settings: StorageSettings;
  const opened = freshStore(kind, 'alert_retention', (s) => {
    settings = s;
    return KyselyAlertStore.open(s);
  });
  let store: KyselyAlertStore;
  let db: Kysely<AlertDatabase>;
  const resolvedAt = (id: string, updateTime: number, deviceId = 'dev-1') => {
    const [fire, resolve] = firedAndResolved(alert(id, { deviceId, updateTime }));
    const resolved = { ...resolve.writes[0].alert, updateTime };
    return [fire, { ...resolve, writes: [{ alert: resolved, expectedRevision: 1 }] }];
  };
  const eventIds = async () =>
    (await store.listEvents(0, {}, 100)).map((e) => `${e.alert.id}:${e.alert.state}`);
  const cursor = (ruleId: string, deviceId: string, readingTime: number) =>
    db
      .insertInto('evaluation_cursors')
      .values({
        rule_id: ruleId,
        device_id: deviceId,
        reading_time: readingTime,
        reading_id: 'r',
        earlier_ids_at_time: '[]',
      })
      .execute();

  beforeAll(async () => {
    store = opened();
    db = createDatabase<AlertDatabase>(settings);
    await store.insertRule(rule('rule-a'));
    for (const [id, time] of [
      ['old-1', HORIZON - 2 * DAY],
      ['old-2', HORIZON - 1],
      ['recent', HORIZON + 1],
    ] as const) {
      for (const batch of resolvedAt(id, time)) await store.applyChanges(batch);
    }
    // Open for long, and last changed long ago: never deleted.
    await store.applyChanges(
      firing(alert('open-old', { deviceId: 'dev-2', updateTime: HORIZON - 5 * DAY }), null),
    );
  });
  afterAll(() => db.destroy());

  it('deletes resolved alerts older than the horizon with their events, in batches, and marks them', async () => {
    const before = await store.listEvents(0, {}, 100);
    const oldSequences = before.filter((e) => e.alert.id.startsWith('old-')).map((e) => e.sequence);
    await expect(store.prunedEventsThrough()).resolves.toBe(0);

    await expect(store.pruneResolvedAlerts(HORIZON, 1)).resolves.toEqual({ alerts: 1, events: 2 });
    await expect(store.pruneResolvedAlerts(HORIZON, 5)).resolves.toEqual({ alerts: 1, events: 2 });
    await expect(store.pruneResolvedAlerts(HORIZON, 5)).resolves.toEqual({ alerts: 0, events: 0 });

    expect(await eventIds()).toEqual([
      `recent:${AlertState.ALERT_STATE_FIRING}`,
      `recent:${AlertState.ALERT_STATE_RESOLVED}`,
      `open-old:${AlertState.ALERT_STATE_FIRING}`,
    ]);
    expect((await store.listAlerts({}, undefined, 10)).map((a) => a.id).sort()).toEqual([
      'open-old',
      'recent',
    ]);
    await expect(store.prunedEventsThrough()).resolves.toBe(Math.max(...oldSequences));
  });

  it('marks each device’s deleted events apart, so a stream of another device is not refused', async () => {
    const deviceSequences = async (deviceId: string) =>
      (await store.listEvents(0, { deviceId }, 100)).map((e) => e.sequence);
    for (const batch of resolvedAt('dev-9-old', HORIZON - DAY, 'dev-9')) await store.applyChanges(batch);
    const dev9 = await deviceSequences('dev-9');
    const dev1Mark = await store.prunedEventsThrough('dev-1');

    await store.pruneResolvedAlerts(HORIZON, 5);
    await expect(store.prunedEventsThrough('dev-9')).resolves.toBe(Math.max(...dev9));
    await expect(store.prunedEventsThrough('dev-1')).resolves.toBe(dev1Mark);
    // dev-2's alert is open: none of its events went, whatever the others' marks.
    await expect(store.prunedEventsThrough('dev-2')).resolves.toBe(0);
    await expect(store.prunedEventsThrough()).resolves.toBe(Math.max(...dev9));
  });

  it('never lowers the mark', async () => {
    const mark = await store.prunedEventsThrough();
    for (const batch of resolvedAt('later', HORIZON - DAY)) await store.applyChanges(batch);
    // A replica's batch that found its rows gone already changes nothing.
    await db
      .updateTable('pruned_alert_events')
      .set({ through_sequence: mark + 1_000 })
      .execute();
    await store.pruneResolvedAlerts(HORIZON, 5);
    await expect(store.prunedEventsThrough()).resolves.toBe(mark + 1_000);
  });

  it('deletes idle cursors only: old, and with no open alert of their rule and device', async () => {
    await cursor('rule-a', 'dev-1', HORIZON - DAY); // idle: its alerts resolved
    await cursor('rule-a', 'dev-2', HORIZON - DAY); // its alert is open (firing): kept
    await cursor('rule-a', 'dev-3', HORIZON + DAY); // evaluated lately: kept
    await cursor('rule-b', 'dev-4', HORIZON - DAY);
    await expect(store.pruneIdleCursors(HORIZON, 1)).resolves.toBe(1);
    await expect(store.pruneIdleCursors(HORIZON, 5)).resolves.toBe(1);
    await expect(store.pruneIdleCursors(HORIZON, 5)).resolves.toBe(0);
    const left = await db
      .selectFrom('evaluation_cursors')
      .select(['rule_id', 'device_id'])
      .orderBy('device_id')
      .execute();
    expect(left).toEqual([
      { rule_id: 'rule-a', device_id: 'dev-2' },
      { rule_id: 'rule-a', device_id: 'dev-3' },
    ]);
    await expect(store.findCursor('rule-a', 'dev-1')).resolves.toBeUndefined();
  });

  it('reads a device-filtered history through the device indexes', async () => {
    if (kind === 'postgres') await sql`set enable_seqscan = off`.execute(db);
    const events = await plan(
      db,
      kind,
      "select * from alert_events where device_id = 'dev-9' and sequence > 0 order by sequence limit 100",
    );
    const alerts = await plan(
      db,
      kind,
      "select * from alerts where device_id = 'dev-9' order by start_time desc, id desc limit 10",
    );
    expect(events).toContain('alert_events_by_device');
    expect(alerts).toContain('alerts_by_device');
  });
});
