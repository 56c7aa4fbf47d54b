import { Operator } from '../../rules/domain/rule.js';
import { hasRecovered, isBreached, type Condition } from './condition.js';

const condition = (operator: Operator, hysteresis = 0): Condition => ({
  operator,
  threshold: 10,
  thresholdHigh: 20,
  hysteresis,
});

describe('conditions', () => {
  it.each<[string, Operator, number[], number[]]>([
    ['>', Operator.OPERATOR_GREATER_THAN, [10.01, 50], [10, -3]],
    ['>=', Operator.OPERATOR_GREATER_OR_EQUAL, [10, 11], [9.99]],
    ['<', Operator.OPERATOR_LESS_THAN, [9.99, -40], [10, 11]],
    ['<=', Operator.OPERATOR_LESS_OR_EQUAL, [10, 0], [10.01]],
    ['outside range', Operator.OPERATOR_OUTSIDE_RANGE, [9.99, 20.01], [10, 15, 20]],
    ['inside range', Operator.OPERATOR_INSIDE_RANGE, [10, 15, 20], [9.99, 20.01]],
  ])('%s breaches at the right values', (_name, operator, breaching, normal) => {
    for (const value of breaching) expect(isBreached(condition(operator), value)).toBe(true);
    for (const value of normal) expect(isBreached(condition(operator), value)).toBe(false);
  });

  it('without hysteresis, recovery is simply not breaching', () => {
    for (const operator of [1, 2, 3, 4, 5, 6] as Operator[]) {
      for (const value of [-5, 9.99, 10, 15, 20, 20.01, 35]) {
        expect(hasRecovered(condition(operator), value)).toBe(!isBreached(condition(operator), value));
      }
    }
  });

  it.each<[string, Operator, number[], number[]]>([
    // threshold 10, high 20, margin 2
    ['>', Operator.OPERATOR_GREATER_THAN, [8, 0], [8.01, 10]],
    ['>=', Operator.OPERATOR_GREATER_OR_EQUAL, [7.99], [8, 9.99]],
    ['<', Operator.OPERATOR_LESS_THAN, [12, 30], [11.99, 10]],
    ['<=', Operator.OPERATOR_LESS_OR_EQUAL, [12.01], [12, 10.5]],
    ['outside range', Operator.OPERATOR_OUTSIDE_RANGE, [12, 15, 18], [11.99, 18.01, 10]],
    ['inside range', Operator.OPERATOR_INSIDE_RANGE, [7.99, 22.01], [8, 9, 21, 22]],
  ])('%s recovers only beyond the hysteresis margin', (_name, operator, recovered, stillBad) => {
    for (const value of recovered) expect(hasRecovered(condition(operator, 2), value)).toBe(true);
    for (const value of stillBad) expect(hasRecovered(condition(operator, 2), value)).toBe(false);
  });
});
