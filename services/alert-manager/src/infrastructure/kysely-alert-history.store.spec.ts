import { AlertEventType, AlertState } from '../alerts/domain/alert.js';
import { Severity } from '../rules/domain/rule.js';
import {
  alert,
  contractStore,
  firedAndResolved,
  firing,
  outbox,
  rule,
} from './testing/store-contract.fixtures.js';

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(['sqlite', 'postgres'] as const)('alert store contract on %s: history and outbox', (kind) => {
  const opened = contractStore(kind, 'alert_history');
  let store: ReturnType<typeof opened>;
  beforeAll(async () => {
    store = opened();
    await store.insertRule(rule('rule-a'));
    for (const batch of firedAndResolved(alert('a-1'))) await store.applyChanges(batch);
    await store.applyChanges(
      firing(alert('a-2', { startTime: 5_000 }), null, { outbox: [outbox('alert:a-2:FIRING:email')] }),
    );
  });

  it('lists events after a sequence, with filters', async () => {
    const events = await store.listEvents(0, {}, 10);
    expect(events.map((e) => [e.alert.id, e.type])).toEqual([
      ['a-1', AlertEventType.ALERT_EVENT_TYPE_FIRING],
      ['a-1', AlertEventType.ALERT_EVENT_TYPE_RESOLVED],
      ['a-2', AlertEventType.ALERT_EVENT_TYPE_FIRING],
    ]);
    expect(events[1].alert).toMatchObject({ state: AlertState.ALERT_STATE_RESOLVED });
    await expect(store.lastEventSequence()).resolves.toBe(events[2].sequence);
    const firingAfterFirst = await store.listEvents(
      events[0].sequence,
      { state: AlertState.ALERT_STATE_FIRING },
      10,
    );
    expect(firingAfterFirst.map((e) => e.alert.id)).toEqual(['a-2']);
    expect(await store.listEvents(0, { deviceId: 'dev-x' }, 10)).toEqual([]);
    expect((await store.listEvents(0, {}, 2)).map((e) => e.sequence)).toEqual([
      events[0].sequence,
      events[1].sequence,
    ]);
  });

  it('lists alerts newest first with filters and a position', async () => {
    await store.applyChanges(
      firing(
        alert('a-3', { deviceId: 'dev-2', startTime: 5_000, severity: Severity.SEVERITY_CRITICAL }),
        null,
      ),
    );
    expect((await store.listAlerts({}, undefined, 10)).map((a) => a.id)).toEqual(['a-3', 'a-2', 'a-1']);
    expect((await store.listAlerts({}, { startTime: 5_000, id: 'a-3' }, 10)).map((a) => a.id)).toEqual([
      'a-2',
      'a-1',
    ]);
    expect(
      (await store.listAlerts({ state: AlertState.ALERT_STATE_RESOLVED }, undefined, 10)).map((a) => a.id),
    ).toEqual(['a-1']);
    expect(
      (
        await store.listAlerts({ deviceId: 'dev-2', severity: Severity.SEVERITY_CRITICAL }, undefined, 10)
      ).map((a) => a.id),
    ).toEqual(['a-3']);
    expect(await store.listAlerts({ ruleId: 'rule-z' }, undefined, 10)).toEqual([]);
  });

  it('deletes a rule, its cursors and closes its open alerts from inside the transaction', async () => {
    let seen: string[] = [];
    const found = await store.deleteRule('rule-a', (open) => {
      seen = open.map((a) => a.id);
      const closed = open.map((a) => ({ ...a, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 9_000 }));
      return {
        writes: closed.map((a, i) => ({ alert: a, expectedRevision: open[i].revision })),
        events: closed.map((a) => ({
          type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED,
          alert: a,
          time: 9_000,
        })),
        outbox: [outbox('alert:a-2:RESOLVED:email')],
      };
    });
    expect(found).toBe(true);
    expect(seen).toEqual(['a-2', 'a-3']);
    await expect(store.findRule('rule-a')).resolves.toBeUndefined();
    await expect(store.findCursor('rule-a', 'dev-1')).resolves.toBeUndefined();
    await expect(store.findOpenAlert('rule-a', 'dev-1')).resolves.toBeUndefined();
    await expect(store.deleteRule('rule-a', () => ({ writes: [], events: [], outbox: [] }))).resolves.toBe(
      false,
    );
  });

  it('queues outbox entries once per key, with the sequence of the event each announces', async () => {
    // A repeated key is ignored.
    await store.applyChanges({ writes: [], events: [], outbox: [outbox('alert:a-2:FIRING:email')] });
    const events = await store.listEvents(0, {}, 10);
    const sequenceOf = (type: AlertEventType) =>
      String(events.find((e) => e.alert.id === 'a-2' && e.type === type)!.sequence);
    const due = await store.outbox.dueEntries(10, 10);
    // Its RESOLVED waits for the FIRING.
    expect(due.map((e) => e.idempotencyKey)).toEqual(['alert:a-2:FIRING:email']);
    expect(due[0]).toMatchObject({
      ...outbox('alert:a-2:FIRING:email'),
      attributes: { alert_id: 'a-2', event_sequence: sequenceOf(AlertEventType.ALERT_EVENT_TYPE_FIRING) },
      attempts: 0,
      nextAttemptTime: 10,
      lastError: '',
    });
    await store.outbox.remove(due[0].id);
    expect((await store.outbox.dueEntries(10, 10))[0]).toMatchObject({
      idempotencyKey: 'alert:a-2:RESOLVED:email',
      attributes: { event_sequence: sequenceOf(AlertEventType.ALERT_EVENT_TYPE_RESOLVED) },
    });
  });

  it("hands an alert's entries for a channel out one at a time, a rescheduled one holding the later back", async () => {
    await store.applyChanges({
      writes: [],
      events: [],
      outbox: [
        'alert:a-7:FIRING:email',
        'alert:a-7:RESOLVED:email',
        'alert:a-7:FIRING:webhook',
        'alert:a-8:FIRING:email',
      ].map(outbox),
    });
    const keys = async (now: number) => (await store.outbox.dueEntries(now, 10)).map((e) => e.idempotencyKey);
    expect(await keys(10)).toEqual([
      'alert:a-2:RESOLVED:email',
      'alert:a-7:FIRING:email',
      'alert:a-7:FIRING:webhook',
      'alert:a-8:FIRING:email',
    ]);
    const [, fired] = await store.outbox.dueEntries(10, 10);
    await store.outbox.reschedule(fired.id, 1, 500, 'UNAVAILABLE');
    expect(await keys(499)).not.toContain('alert:a-7:RESOLVED:email');
    expect(await keys(10_000)).not.toContain('alert:a-7:RESOLVED:email');
    expect(await store.outbox.dueEntries(500, 10)).toContainEqual(
      expect.objectContaining({ id: fired.id, attempts: 1, lastError: 'UNAVAILABLE' }),
    );
    await store.outbox.remove(fired.id);
    expect(await keys(10_000)).toContain('alert:a-7:RESOLVED:email');
  });
});
