import { Operator } from '../../rules/domain/rule.js';

/** The part of a rule that decides whether a value is a problem. */
export interface Condition {
  operator: Operator;
  threshold: number;
  thresholdHigh: number;
  hysteresis: number;
}

/** Whether `value` breaches the condition. */
export function isBreached(condition: Condition, value: number): boolean {
  const { threshold: low, thresholdHigh: high } = condition;
  switch (condition.operator) {
    case Operator.OPERATOR_GREATER_THAN:
      return value > low;
    case Operator.OPERATOR_GREATER_OR_EQUAL:
      return value >= low;
    case Operator.OPERATOR_LESS_THAN:
      return value < low;
    case Operator.OPERATOR_LESS_OR_EQUAL:
      return value <= low;
    case Operator.OPERATOR_OUTSIDE_RANGE:
      return value < low || value > high;
    case Operator.OPERATOR_INSIDE_RANGE:
      return value >= low && value <= high;
    default:
      return false;
  }
}

/**
 * `threshold` moved by `margin` as the decimals a rule is written in say: 2.3 - 0.3 is 2, where binary
 * floating point gives 1.9999999999999998, so a reading of exactly 2 would not count as recovered.
 * Rounded to 15 significant digits, which every decimal of up to 15 digits survives.
 */
function boundFrom(threshold: number, margin: number): number {
  return margin === 0 ? threshold : Number((threshold + margin).toPrecision(15));
}

/**
 * Whether a firing alert may resolve: the value is back to normal by at least the hysteresis
 * margin, so a value hovering at the threshold does not make the alert flap.
 */
export function hasRecovered(condition: Condition, value: number): boolean {
  const { threshold: low, thresholdHigh: high, hysteresis: margin } = condition;
  switch (condition.operator) {
    case Operator.OPERATOR_GREATER_THAN:
      return value <= boundFrom(low, -margin);
    case Operator.OPERATOR_GREATER_OR_EQUAL:
      return value < boundFrom(low, -margin);
    case Operator.OPERATOR_LESS_THAN:
      return value >= boundFrom(low, margin);
    case Operator.OPERATOR_LESS_OR_EQUAL:
      return value > boundFrom(low, margin);
    case Operator.OPERATOR_OUTSIDE_RANGE:
      return value >= boundFrom(low, margin) && value <= boundFrom(high, -margin);
    case Operator.OPERATOR_INSIDE_RANGE:
      return value < boundFrom(low, -margin) || value > boundFrom(high, margin);
    default:
      return true;
  }
}
