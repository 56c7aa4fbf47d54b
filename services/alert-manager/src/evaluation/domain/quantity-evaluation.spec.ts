import { AlertState, type StoredAlert } from '../../alerts/domain/alert.js';
import type { Rule } from '../../rules/domain/rule.js';
import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { aReading } from './testing/reading.fixture.js';
import type { EvaluatedReading, EvaluationCursor } from './evaluated-reading.js';
import { planQuantity, type RuleStanding } from './quantity-evaluation.js';
import { watchedQuantity } from './watched-quantity.js';

const calm = aRule({ id: 'calm', threshold: 100 });
const hot = aRule({ id: 'hot', threshold: 30 });
const reading = aReading;
const at = (time: number, readingId = `r${time}`): EvaluationCursor => ({
  readingTime: time,
  readingId,
  earlierIdsAtTime: [],
});
const firingAlert = { ruleId: 'hot', deviceId: 'dev-1', state: AlertState.ALERT_STATE_FIRING } as StoredAlert;
const context = { now: 99, newAlertId: () => 'alert-1' };
const NONE: RuleStanding = { cursor: undefined, open: undefined };

const plan = (
  rules: Rule[],
  readings: EvaluatedReading[],
  shared: EvaluationCursor | undefined,
  standing: Record<string, RuleStanding> = {},
) =>
  planQuantity(
    { quantity: watchedQuantity(hot, 'dev-1'), rules, readings },
    (rule) => standing[rule.id] ?? NONE,
    shared,
    context,
  );
const cursors = (planned: ReturnType<typeof plan>) =>
  planned.rules.map(({ rule, expectedCursor, cursor }) => [rule.id, expectedCursor, cursor]);

describe('evaluating the rules of one watched quantity', () => {
  it('moves only the shared cursor for rules with nothing open, and skips what it passed', () => {
    const planned = plan([calm, hot], [reading('r2', 20, 2), reading('r1', 40, 1)], at(1, 'r1'));
    expect(cursors(planned)).toEqual([
      ['calm', undefined, undefined],
      ['hot', undefined, undefined],
    ]);
    expect(planned.shared).toEqual({ expectedCursor: at(1, 'r1'), cursor: at(2) });
    expect(planned.rules.flatMap((r) => r.plan.changedAlerts)).toEqual([]);
    expect(plan([calm, hot], [reading('r1', 40, 1)], at(1, 'r1'))).toMatchObject({
      rules: [],
      shared: undefined,
    });
  });

  it('gives a rule that opens an alert a cursor of its own, moving the shared one it started from', () => {
    const planned = plan([calm, hot], [reading('r3', 40, 3)], at(2));
    expect(cursors(planned)).toEqual([
      ['calm', undefined, undefined],
      ['hot', undefined, at(3)],
    ]);
    expect(planned.shared).toEqual({ expectedCursor: at(2), cursor: at(3) });
  });

  it('keeps the own cursor while the alert is open, and drops it once resolved where the shared one is', () => {
    const open = { hot: { cursor: at(3), open: firingAlert } };
    const held = plan([hot], [reading('r5', 41, 5), reading('r2', 10, 2)], at(3), open);
    expect(cursors(held)).toEqual([['hot', at(3), at(5)]]);
    expect(held.shared).toBeUndefined();

    const resolved = plan([calm, hot], [reading('r6', 10, 6)], at(3), {
      hot: { cursor: at(5), open: firingAlert },
    });
    expect(cursors(resolved)).toEqual([
      ['calm', undefined, undefined],
      ['hot', at(5), undefined],
    ]);
    expect(resolved.rules[1].plan.endsOpen).toBe(false);
    expect(resolved.shared).toEqual({ expectedCursor: at(3), cursor: at(6) });
  });

  it('keeps an own cursor that is not where the shared one comes to', () => {
    // Readings of one time the shared cursor saw and the rule did not: the two differ.
    const standing = { calm: { cursor: at(7, 'a'), open: undefined } };
    const planned = plan(
      [calm],
      [reading('b', 10, 7)],
      { readingTime: 7, readingId: 'c', earlierIdsAtTime: [] },
      standing,
    );
    expect(cursors(planned)).toEqual([
      ['calm', at(7, 'a'), { readingTime: 7, readingId: 'b', earlierIdsAtTime: ['a'] }],
    ]);
    expect(planned.shared).toBeUndefined();
  });
});
