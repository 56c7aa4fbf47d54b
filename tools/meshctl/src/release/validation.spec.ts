import {
  catalogServices,
  checkDuration,
  checkPercent,
  checkService,
  checkSteps,
  checkTag,
  checkWeights,
  UsageError,
} from './validation.js';

describe('input validation', () => {
  const known = catalogServices();

  it('knows the catalog services and rejects others by name', () => {
    expect(known).toContain('device-registry');
    expect(checkService('device-registry', known)).toBe('device-registry');
    expect(() => checkService('payments', known)).toThrow(/unknown service "payments"/);
    expect(() => checkService(undefined, known)).toThrow(UsageError);
  });

  it.each(['v1.2.3', '1.10', 'sha-abc123', '_x', 'A'.repeat(128)])('accepts the Docker tag %s', (tag) => {
    expect(checkTag('--tag', tag)).toBe(tag);
  });

  it.each(['.v1', '-v1', 'v1/2', 'v1:2', 'a b', 'A'.repeat(129), ''])('rejects the tag "%s"', (tag) => {
    expect(() => checkTag('--tag', tag)).toThrow(UsageError);
  });

  it('takes weights 0..100 that sum to 100', () => {
    expect(checkPercent('--stable', '90')).toBe(90);
    for (const bad of ['-1', '101', '10.5', 'ten', ''])
      expect(() => checkPercent('--canary', bad)).toThrow(UsageError);
    expect(() => checkWeights(90, 10)).not.toThrow();
    expect(() => checkWeights(60, 50)).toThrow('weights must sum to 100: --stable 60 + --canary 50 = 110');
  });

  it('reads durations and steps', () => {
    expect(checkDuration('--interval', '30s')).toBe(30_000);
    expect(checkDuration('--interval', '5m')).toBe(300_000);
    expect(() => checkDuration('--interval', '5 minutes')).toThrow(UsageError);
    expect(checkSteps('10,25,50,100')).toEqual([10, 25, 50, 100]);
    expect(() => checkSteps('25,10')).toThrow(/rising/);
    expect(() => checkSteps('0,50')).toThrow(/rising/);
  });
});
