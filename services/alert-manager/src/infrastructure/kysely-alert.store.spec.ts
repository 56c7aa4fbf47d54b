import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { AlertEventType, AlertState } from '../alerts/domain/alert.js';
import type { Rule } from '../rules/domain/rule.js';
import { ConcurrentChangeError, type CommitNotice } from './alert-store.port.js';
import { alert, contractStore, firing, outbox, rule } from './testing/store-contract.fixtures.js';

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(['sqlite', 'postgres'] as const)(
  'alert store contract on %s: rules and alert writes',
  (kind) => {
    const opened = contractStore(kind, 'alert_writes');
    const commits: CommitNotice[] = [];
    let store: ReturnType<typeof opened>;
    beforeAll(() => {
      store = opened();
      store.onCommit((notice) => commits.push(notice));
    });

    it('keeps rules intact, lists them by id with filters, and finds enabled ones by sensor type', async () => {
      await store.insertRule(rule('rule-a'));
      await store.insertRule(
        rule('rule-b', { scope: { kind: 'device_type', deviceType: SensorType.SENSOR_TYPE_HUMIDITY } }),
      );
      const ruleC = rule('rule-c', {
        scope: { kind: 'all_devices' },
        sensorType: SensorType.SENSOR_TYPE_PRESSURE,
        enabled: false,
      });
      await store.insertRule(ruleC);
      await expect(store.findRule('rule-a')).resolves.toEqual(rule('rule-a'));
      await expect(store.findRule('rule-b')).resolves.toMatchObject({
        scope: { kind: 'device_type', deviceType: SensorType.SENSOR_TYPE_HUMIDITY },
      });
      await expect(store.findRule('missing')).resolves.toBeUndefined();
      expect((await store.listRules({}, undefined, 10)).map((r) => r.id)).toEqual([
        'rule-a',
        'rule-b',
        'rule-c',
      ]);
      expect((await store.listRules({}, 'rule-a', 1)).map((r) => r.id)).toEqual(['rule-b']);
      expect(
        (await store.listRules({ sensorType: SensorType.SENSOR_TYPE_PRESSURE }, undefined, 10)).map(
          (r) => r.id,
        ),
      ).toEqual(['rule-c']);
      expect(
        (
          await store.listEnabledRules([SensorType.SENSOR_TYPE_TEMPERATURE, SensorType.SENSOR_TYPE_PRESSURE])
        ).map((r) => r.id),
      ).toEqual(['rule-a', 'rule-b']);
      const renamed = { ...ruleC, name: 'renamed', enabled: true };
      await expect(
        store.changeRule('rule-c', (current) => ({ rule: { ...current, ...renamed } })),
      ).resolves.toEqual(renamed);
      await expect(store.findRule('rule-c')).resolves.toEqual(renamed);
      const seen: Rule[] = [];
      const missing = store.changeRule('nope', (current) => (seen.push(current), { rule: current }));
      await expect(missing).resolves.toBeUndefined();
      expect(seen).toEqual([]);
    });

    it('runs concurrent changes of one rule one after another', async () => {
      await store.insertRule(rule('rule-raced', { threshold: 0 }));
      // Each adds one to the threshold as stored: one applied to a copy read before another was saved loses it.
      const addOne = () =>
        store.changeRule('rule-raced', (current) => ({
          rule: { ...current, threshold: current.threshold + 1 },
        }));
      await Promise.all([addOne(), addOne(), addOne(), addOne(), addOne()]);
      await expect(store.findRule('rule-raced')).resolves.toMatchObject({ threshold: 5 });
    });

    it('opens an alert with its event and outbox entry, moving the evaluation cursor', async () => {
      const a = alert('a-1');
      await store.applyEvaluation({
        ruleId: 'rule-a',
        rule: rule('rule-a'),
        deviceId: 'dev-1',
        expectedCursor: undefined,
        cursor: { readingTime: 1_000, readingId: 'r1', earlierIdsAtTime: ['r0'] },
        changes: firing(a, null, { outbox: [outbox('alert:a-1:FIRING:email')] }),
      });
      await expect(store.findOpenAlert('rule-a', 'dev-1')).resolves.toEqual({ ...a, revision: 1 });
      await expect(store.findCursor('rule-a', 'dev-1')).resolves.toEqual({
        readingTime: 1_000,
        readingId: 'r1',
        earlierIdsAtTime: ['r0'],
      });
      const events = await store.listEvents(0, {}, 10);
      expect(events).toEqual([
        {
          sequence: expect.any(Number) as number,
          type: AlertEventType.ALERT_EVENT_TYPE_FIRING,
          alert: a,
          eventTime: 3_000,
        },
      ]);
      await expect(store.lastEventSequence()).resolves.toBe(events[0].sequence);
      expect(commits.at(-1)).toEqual({ eventTypes: [AlertEventType.ALERT_EVENT_TYPE_FIRING], outbox: true });
    });

    it('refuses a second open alert for the same rule and device, a stale cursor and a stale revision', async () => {
      const cursor = { readingTime: 1_000, readingId: 'r1', earlierIdsAtTime: ['r0'] };
      const next = { readingTime: 2_000, readingId: 'r2', earlierIdsAtTime: [] };
      const duplicate = store.applyEvaluation({
        ruleId: 'rule-a',
        rule: rule('rule-a'),
        deviceId: 'dev-1',
        expectedCursor: cursor,
        cursor: next,
        changes: firing(alert('a-dup'), null),
      });
      await expect(duplicate).rejects.toThrow(ConcurrentChangeError);
      const staleCursor = store.applyEvaluation({
        ruleId: 'rule-a',
        rule: rule('rule-a'),
        deviceId: 'dev-1',
        expectedCursor: undefined,
        cursor: next,
        changes: firing(alert('a-x', { deviceId: 'dev-9' }), null),
      });
      await expect(staleCursor).rejects.toThrow(ConcurrentChangeError);
      await expect(store.applyChanges(firing(alert('a-1', { value: 1 }), 7))).rejects.toThrow(
        ConcurrentChangeError,
      );
      // Nothing of the failed attempts was kept.
      await expect(store.findCursor('rule-a', 'dev-1')).resolves.toEqual(cursor);
      await expect(store.findAlert('a-dup')).resolves.toBeUndefined();
      await expect(store.findCursor('rule-a', 'dev-9')).resolves.toBeUndefined();
      expect(await store.listEvents(0, {}, 10)).toHaveLength(1);
    });

    it('refuses to open alerts for a disabled rule', async () => {
      await store.insertRule(rule('rule-off', { enabled: false }));
      const write = store.applyEvaluation({
        ruleId: 'rule-off',
        rule: rule('rule-off', { enabled: false }),
        deviceId: 'dev-1',
        expectedCursor: undefined,
        cursor: { readingTime: 1, readingId: 'r', earlierIdsAtTime: [] },
        changes: firing(alert('a-off', { ruleId: 'rule-off' }), null),
      });
      await expect(write).rejects.toThrow(ConcurrentChangeError);
    });

    it('resolves and reopens in one go: the successor may open once the old alert closed', async () => {
      const resolved = alert('a-1', { state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 4_000, value: 3 });
      const successor = alert('a-2', { startTime: 5_000 });
      await store.applyEvaluation({
        ruleId: 'rule-a',
        rule: rule('rule-a'),
        deviceId: 'dev-1',
        expectedCursor: { readingTime: 1_000, readingId: 'r1', earlierIdsAtTime: [] },
        cursor: { readingTime: 5_000, readingId: 'r5', earlierIdsAtTime: [] },
        changes: {
          writes: [
            { alert: resolved, expectedRevision: 1 },
            { alert: successor, expectedRevision: null },
          ],
          events: [
            { type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED, alert: resolved, time: 6_000 },
            { type: AlertEventType.ALERT_EVENT_TYPE_FIRING, alert: successor, time: 6_000 },
          ],
          outbox: [],
        },
      });
      await expect(store.findAlert('a-1')).resolves.toEqual({ ...resolved, revision: 2 });
      await expect(store.findOpenAlert('rule-a', 'dev-1')).resolves.toMatchObject({ id: 'a-2' });
      const events = await store.listEvents(0, {}, 10);
      expect(events.map((e) => [e.alert.id, e.type])).toEqual([
        ['a-1', AlertEventType.ALERT_EVENT_TYPE_FIRING],
        ['a-1', AlertEventType.ALERT_EVENT_TYPE_RESOLVED],
        ['a-2', AlertEventType.ALERT_EVENT_TYPE_FIRING],
      ]);
      expect(events[0].sequence).toBeLessThan(events[1].sequence);
      expect(events[1].sequence).toBeLessThan(events[2].sequence);
      expect(
        (await store.listEvents(events[0].sequence, { state: AlertState.ALERT_STATE_FIRING }, 10)).map(
          (e) => e.alert.id,
        ),
      ).toEqual(['a-2']);
    });

    it('lets only one of concurrent writers open an alert for a rule and device', async () => {
      await store.insertRule(rule('rule-race'));
      const attempts = ['race-1', 'race-2', 'race-3'].map((id) =>
        store.applyChanges(firing(alert(id, { ruleId: 'rule-race' }), null)),
      );
      const results = await Promise.allSettled(attempts);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConcurrentChangeError);
      }
      expect(await store.listAlerts({ ruleId: 'rule-race' }, undefined, 10)).toHaveLength(1);
    });

    it('reads many evaluation states at once and applies many evaluations all or nothing', async () => {
      const batchRule = rule('rule-batch', { scope: { kind: 'all_devices' } });
      await store.insertRule(batchRule);
      const at = (t: number) => ({ readingTime: t, readingId: `r${t}`, earlierIdsAtTime: [] });
      const open = alert('b-1', { ruleId: 'rule-batch', deviceId: 'dev-b1' });
      await store.applyEvaluations([
        {
          ruleId: 'rule-batch',
          rule: batchRule,
          deviceId: 'dev-b1',
          expectedCursor: undefined,
          cursor: at(1),
          changes: firing(open, null),
        },
        {
          ruleId: 'rule-batch',
          rule: batchRule,
          deviceId: 'dev-b2',
          expectedCursor: undefined,
          cursor: at(1),
          changes: { writes: [], events: [], outbox: [] },
        },
      ]);
      const states = await store.findEvaluationStates([
        { ruleId: 'rule-batch', deviceId: 'dev-b1' },
        { ruleId: 'rule-batch', deviceId: 'dev-b2' },
        { ruleId: 'rule-batch', deviceId: 'dev-b3' },
      ]);
      expect(Object.fromEntries(states)).toEqual({
        'rule-batch/dev-b1': { cursor: at(1), open: { ...open, revision: 1 } },
        'rule-batch/dev-b2': { cursor: at(1), open: undefined },
        'rule-batch/dev-b3': { cursor: undefined, open: undefined },
      });
      // One stale cursor fails the whole batch: the other device's alert is not opened either.
      const stale = store.applyEvaluations([
        {
          ruleId: 'rule-batch',
          rule: batchRule,
          deviceId: 'dev-b3',
          expectedCursor: undefined,
          cursor: at(2),
          changes: firing(alert('b-3', { ruleId: 'rule-batch', deviceId: 'dev-b3' }), null),
        },
        {
          ruleId: 'rule-batch',
          rule: batchRule,
          deviceId: 'dev-b2',
          expectedCursor: undefined,
          cursor: at(2),
          changes: { writes: [], events: [], outbox: [] },
        },
      ]);
      await expect(stale).rejects.toThrow(ConcurrentChangeError);
      await expect(store.findAlert('b-3')).resolves.toBeUndefined();
      await expect(store.findCursor('rule-batch', 'dev-b3')).resolves.toBeUndefined();
    });

    it('refuses to open alerts for a rule evaluated with a target it no longer has', async () => {
      const evaluated = rule('rule-moved', { scope: { kind: 'all_devices' } });
      await store.insertRule({ ...evaluated, scope: { kind: 'device', deviceId: 'dev-1' } });
      const write = store.applyEvaluations([
        {
          ruleId: 'rule-moved',
          rule: evaluated,
          deviceId: 'dev-7',
          expectedCursor: undefined,
          cursor: { readingTime: 1, readingId: 'r', earlierIdsAtTime: [] },
          changes: firing(alert('a-moved', { ruleId: 'rule-moved', deviceId: 'dev-7' }), null),
        },
      ]);
      await expect(write).rejects.toThrow(ConcurrentChangeError);
      await expect(store.findAlert('a-moved')).resolves.toBeUndefined();
    });
  },
);
