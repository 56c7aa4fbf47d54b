import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { Rule } from '../rules/domain/rule.js';
import { RuleChangedError, type ChangeBatch, type EvaluationWrite } from './alert-store.port.js';
import { alert, contractStore, firing, rule } from './testing/store-contract.fixtures.js';

const at = (time: number): EvaluationCursor => ({
  readingTime: time,
  readingId: `r${time}`,
  earlierIdsAtTime: [],
});
const NOTHING: ChangeBatch = { writes: [], events: [], outbox: [] };

/** A first evaluation of `deviceId` by `judgedBy`, changing `changes`. */
const evaluation = (judgedBy: Rule, deviceId: string, changes = NOTHING): EvaluationWrite => ({
  ruleId: judgedBy.id,
  rule: judgedBy,
  deviceId,
  expectedCursor: undefined,
  cursor: at(1),
  changes,
});

// A replica judges readings by rules it cached; the store writes nothing judged by a version that is gone.
describe.each(['sqlite', 'postgres'] as const)(
  'alert store contract on %s: the rule evaluations were judged by',
  (kind) => {
    const opened = contractStore(kind, 'alert_rule_hold');

    it('refuses, writing nothing, evaluations by a rule changed since, naming it', async () => {
      const store = opened();
      const cached = rule('rule-edited', { threshold: 30 });
      await store.insertRule({ ...cached, threshold: 50, updateTime: cached.updateTime + 1 });
      await store.insertRule(rule('rule-same'));
      const write = store.applyEvaluations([
        evaluation(rule('rule-same'), 'dev-1'),
        evaluation(cached, 'dev-1', firing(alert('a-stale', { ruleId: 'rule-edited' }), null)),
      ]);
      await expect(write).rejects.toMatchObject({ name: 'RuleChangedError', ruleIds: ['rule-edited'] });
      await expect(store.findAlert('a-stale')).resolves.toBeUndefined();
      await expect(store.findCursor('rule-same', 'dev-1')).resolves.toBeUndefined();
      await expect(store.applyEvaluation(evaluation(cached, 'dev-2'))).rejects.toThrow(RuleChangedError);
      await expect(store.findCursor('rule-edited', 'dev-2')).resolves.toBeUndefined();
    });

    it('writes no cursor for a rule deleted or disabled since', async () => {
      const store = opened();
      const deleted = rule('rule-deleted');
      const disabled = rule('rule-disabled');
      await store.insertRule(disabled);
      await store.changeRule(disabled.id, (current) => ({ rule: { ...current, enabled: false } }));
      for (const write of [evaluation(deleted, 'dev-1'), evaluation(disabled, 'dev-1')]) {
        await expect(store.applyEvaluations([write])).rejects.toThrow(RuleChangedError);
        await expect(store.applyEvaluation(write)).rejects.toThrow(RuleChangedError);
        await expect(store.findCursor(write.ruleId, 'dev-1')).resolves.toBeUndefined();
      }
    });

    it('takes an update that changed nothing but the update time for the same rule', async () => {
      const store = opened();
      const cached = rule('rule-touched');
      await store.insertRule({ ...cached, updateTime: cached.updateTime + 1 });
      await store.applyEvaluations([evaluation(cached, 'dev-1')]);
      await expect(store.findCursor('rule-touched', 'dev-1')).resolves.toEqual(at(1));
    });
  },
);
