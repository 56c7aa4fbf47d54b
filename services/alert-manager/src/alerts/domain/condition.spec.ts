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

  it.each<[string, Operator, Omit<Condition, 'operator'>, number, number]>([
    // In binary floating point 2.3 - 0.3 is 1.9999999999999998, 0.1 + 0.2 is 0.30000000000000004,
    // 1.1 - 0.2 is 0.9000000000000001 and 0.7 + 0.1 is 0.7999999999999999.
    [
      '>',
      Operator.OPERATOR_GREATER_THAN,
      { threshold: 2.3, thresholdHigh: 0, hysteresis: 0.3 },
      2,
      2.0000001,
    ],
    ['<', Operator.OPERATOR_LESS_THAN, { threshold: 0.1, thresholdHigh: 0, hysteresis: 0.2 }, 0.3, 0.2999999],
    [
      '>=',
      Operator.OPERATOR_GREATER_OR_EQUAL,
      { threshold: 1.1, thresholdHigh: 0, hysteresis: 0.2 },
      0.8999999,
      0.9,
    ],
    [
      '<=',
      Operator.OPERATOR_LESS_OR_EQUAL,
      { threshold: 0.7, thresholdHigh: 0, hysteresis: 0.1 },
      0.8000001,
      0.8,
    ],
    [
      'outside range',
      Operator.OPERATOR_OUTSIDE_RANGE,
      { threshold: 0.1, thresholdHigh: 2.3, hysteresis: 0.2 },
      0.3,
      0.2999999,
    ],
    [
      'inside range',
      Operator.OPERATOR_INSIDE_RANGE,
      { threshold: 0.2, thresholdHigh: 0.7, hysteresis: 0.1 },
      0.8000001,
      0.8,
    ],
  ])('%s puts the recovery bound where the decimals say', (_name, operator, rule, recovered, stillBad) => {
    expect(hasRecovered({ operator, ...rule }, recovered)).toBe(true);
    expect(hasRecovered({ operator, ...rule }, stillBad)).toBe(false);
  });
});
