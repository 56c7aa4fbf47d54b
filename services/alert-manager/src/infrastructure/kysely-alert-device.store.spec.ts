import { AlertEventType, AlertState, type StoredAlert } from '../alerts/domain/alert.js';
import { ConcurrentChangeError, type ChangeBatch, type CommitNotice } from './alert-store.port.js';
import { alert, contractStore, firedAndResolved, firing, outbox } from './testing/store-contract.fixtures.js';

/** Resolves every open alert given, as a batch guarded by `revision(alert)`. */
const resolving = (open: StoredAlert[], revision = (a: StoredAlert) => a.revision): ChangeBatch => {
  const closed = open.map((a) => ({ ...a, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 9_000 }));
  return {
    writes: closed.map((a, i) => ({ alert: a, expectedRevision: revision(open[i]) })),
    events: closed.map((a) => ({ type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED, alert: a, time: 9_000 })),
    outbox: [outbox(`alert:${closed[0].id}:RESOLVED:email`)],
  };
};

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(['sqlite', 'postgres'] as const)(
  'alert store contract on %s: open alerts by device',
  (kind) => {
    const opened = contractStore(kind, 'alert_devices');
    const commits: CommitNotice[] = [];
    let store: ReturnType<typeof opened>;
    beforeAll(async () => {
      store = opened();
      store.onCommit((notice) => commits.push(notice));
      // dev-a: two open alerts, the one of the later rule first by id; dev-b: only a resolved one.
      await store.applyChanges(firing(alert('a-1', { ruleId: 'rule-b', deviceId: 'dev-a' }), null));
      await store.applyChanges(firing(alert('a-2', { ruleId: 'rule-a', deviceId: 'dev-a' }), null));
      for (const batch of firedAndResolved(alert('b-1', { deviceId: 'dev-b' })))
        await store.applyChanges(batch);
      await store.applyChanges(firing(alert('d-1', { deviceId: 'dev-d' }), null));
      await store.applyChanges(firing(alert('c-1', { deviceId: 'dev-c' }), null));
      await store.applyChanges(firing(alert('c-2', { ruleId: 'rule-b', deviceId: 'dev-c' }), null));
    });

    it('lists each device with open alerts once, in order, a page at a time', async () => {
      await expect(store.listDevicesWithOpenAlerts(undefined, 10)).resolves.toEqual([
        'dev-a',
        'dev-c',
        'dev-d',
      ]);
      await expect(store.listDevicesWithOpenAlerts(undefined, 2)).resolves.toEqual(['dev-a', 'dev-c']);
      await expect(store.listDevicesWithOpenAlerts('dev-c', 2)).resolves.toEqual(['dev-d']);
      await expect(store.listDevicesWithOpenAlerts('dev-d', 2)).resolves.toEqual([]);
    });

    it("changes one device's open alerts, read in rule order inside the transaction, with events and outbox", async () => {
      let seen: string[] = [];
      await store.changeOpenAlertsOfDevice('dev-a', (open) => {
        seen = open.map((a) => a.id);
        return resolving(open);
      });
      expect(seen).toEqual(['a-2', 'a-1']);
      await expect(store.findOpenAlert('rule-a', 'dev-a')).resolves.toBeUndefined();
      await expect(store.findOpenAlert('rule-b', 'dev-a')).resolves.toBeUndefined();
      await expect(store.findAlert('a-1')).resolves.toMatchObject({
        state: AlertState.ALERT_STATE_RESOLVED,
        revision: 2,
      });
      const events = await store.listEvents(0, { deviceId: 'dev-a' }, 10);
      expect(events.map((e) => [e.alert.id, e.type])).toEqual([
        ['a-1', AlertEventType.ALERT_EVENT_TYPE_FIRING],
        ['a-2', AlertEventType.ALERT_EVENT_TYPE_FIRING],
        ['a-2', AlertEventType.ALERT_EVENT_TYPE_RESOLVED],
        ['a-1', AlertEventType.ALERT_EVENT_TYPE_RESOLVED],
      ]);
      expect(commits.at(-1)).toEqual({
        eventTypes: [AlertEventType.ALERT_EVENT_TYPE_RESOLVED, AlertEventType.ALERT_EVENT_TYPE_RESOLVED],
        outbox: true,
      });
      expect((await store.outbox.dueEntries(10_000, 10)).map((e) => e.idempotencyKey)).toEqual([
        'alert:a-2:RESOLVED:email',
      ]);
      // The other devices keep theirs.
      await expect(store.listDevicesWithOpenAlerts(undefined, 10)).resolves.toEqual(['dev-c', 'dev-d']);
    });

    it('writes nothing of a change guarded by a stale revision, and nothing for a device without open alerts', async () => {
      const committed = commits.length;
      await expect(
        store.changeOpenAlertsOfDevice('dev-c', (open) =>
          resolving(open, (a) => (a.id === 'c-2' ? 0 : a.revision)),
        ),
      ).rejects.toBeInstanceOf(ConcurrentChangeError);
      await expect(store.findAlert('c-1')).resolves.toMatchObject({ state: AlertState.ALERT_STATE_FIRING });
      let seen: StoredAlert[] | undefined;
      await store.changeOpenAlertsOfDevice('dev-b', (open) => {
        seen = open;
        return { writes: [], events: [], outbox: [] };
      });
      expect(seen).toEqual([]);
      expect(commits).toHaveLength(committed);
      await expect(store.listDevicesWithOpenAlerts(undefined, 10)).resolves.toEqual(['dev-c', 'dev-d']);
    });

    it('remembers decommissioned devices, a second record changing nothing', async () => {
      await expect(store.findDecommissionedDevices(['dev-x', 'dev-y'])).resolves.toEqual(new Set());
      await store.recordDecommissionedDevice('dev-x', 1_000);
      await store.recordDecommissionedDevice('dev-x', 2_000);
      await store.recordDecommissionedDevice('dev-z', 1_000);
      await expect(store.findDecommissionedDevices(['dev-x', 'dev-y', 'dev-x'])).resolves.toEqual(
        new Set(['dev-x']),
      );
      await expect(store.findDecommissionedDevices([])).resolves.toEqual(new Set());
    });
  },
);
