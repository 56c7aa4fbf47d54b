import type { StoredAlert } from '../../alerts/domain/alert.js';
import type { StepContext } from '../../alerts/domain/alert-state-machine.js';
import type { Rule } from '../../rules/domain/rule.js';
import { sameCursor, walkedPast, type EvaluatedReading, type EvaluationCursor } from './evaluated-reading.js';
import { planEvaluation, type EvaluationPlan } from './evaluation-plan.js';
import type { EvaluationGroup } from './rule-matching.js';
import { quantityKey, watchedQuantity, type WatchedQuantity } from './watched-quantity.js';

/** The rules of one request watching one quantity of a device, and its readings they all see. */
export interface QuantityGroup {
  quantity: WatchedQuantity;
  rules: Rule[];
  readings: EvaluatedReading[];
}

/** Where a rule stands for a device: its own cursor (while it needs one) and its open alert. */
export interface RuleStanding {
  cursor: EvaluationCursor | undefined;
  open: StoredAlert | undefined;
}

/** One rule's evaluation: its own cursor from `expectedCursor` to `cursor` (undefined: it keeps none). */
export interface RulePlan {
  rule: Rule;
  expectedCursor: EvaluationCursor | undefined;
  cursor: EvaluationCursor | undefined;
  plan: EvaluationPlan;
}

export interface QuantityPlan {
  quantity: WatchedQuantity;
  /** The rules that evaluated a reading; none when every reading had been evaluated before. */
  rules: RulePlan[];
  /** The quantity's cursor, moved when a rule went by it; the compare-and-set keeps replicas honest. */
  shared: { expectedCursor: EvaluationCursor | undefined; cursor: EvaluationCursor } | undefined;
}

/** Groups of rule and device by the quantity their rules watch: the readings of a group are the same. */
export function groupByQuantity(groups: readonly EvaluationGroup[]): QuantityGroup[] {
  const byQuantity = new Map<string, QuantityGroup>();
  for (const { rule, deviceId, readings } of groups) {
    const quantity = watchedQuantity(rule, deviceId);
    const key = quantityKey(quantity);
    const found = byQuantity.get(key);
    if (found) found.rules.push(rule);
    else byQuantity.set(key, { quantity, rules: [rule], readings });
  }
  return [...byQuantity.values()];
}

/**
 * Evaluates the quantity's readings for each of its rules. A rule with no cursor of its own starts
 * from the quantity's; it takes its own once an alert is open for the device (that cursor then moves
 * with the alert, the shared one with the rules that have nothing open), and drops it again once
 * nothing is open and the shared cursor has come to the same place. Either way each rule skips what
 * it would skip with a cursor of its own: readings evaluated before, and older ones.
 */
export function planQuantity(
  { quantity, rules, readings }: QuantityGroup,
  standing: (rule: Rule) => RuleStanding,
  shared: EvaluationCursor | undefined,
  context: StepContext,
): QuantityPlan {
  const sharedMoved = walkedPast(shared, readings);
  const planned: RulePlan[] = [];
  let byShared = false;
  for (const rule of rules) {
    const { cursor: own, open } = standing(rule);
    const plan = planEvaluation(
      { rule, deviceId: quantity.deviceId, open, cursor: own ?? shared, readings },
      context,
    );
    if (plan.cursor === undefined) continue;
    const keepsOwn = plan.endsOpen || (own !== undefined && !sameCursor(plan.cursor, sharedMoved));
    // A rule that started from the shared cursor moves it too, even as it takes its own: another
    // replica moving it meanwhile (a newer reading) then makes this a conflict, judged again.
    if (own === undefined || !keepsOwn) byShared = true;
    planned.push({ rule, expectedCursor: own, cursor: keepsOwn ? plan.cursor : undefined, plan });
  }
  return {
    quantity,
    rules: planned,
    shared: byShared && sharedMoved ? { expectedCursor: shared, cursor: sharedMoved } : undefined,
  };
}
