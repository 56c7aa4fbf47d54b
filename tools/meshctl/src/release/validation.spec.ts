import { readFileSync } from 'node:fs';
import {
  catalogServices,
  checkDuration,
  checkInteger,
  checkNumber,
  checkPercent,
  checkService,
  checkSteps,
  checkTag,
  checkWeights,
  REPO_ROOT,
  tagPattern,
  UsageError,
} from './validation.js';

describe('input validation', () => {
  it('takes whole numbers in range, and plain decimal numbers', () => {
    expect(checkInteger('--failure-threshold', '10', 1, 10)).toBe(10);
    for (const bad of ['0', '11', '1.5', '0x2', '2e0', undefined])
      expect(() => checkInteger('--failure-threshold', bad, 1, 10)).toThrow(UsageError);
    expect(checkNumber('--min-success-rate', '99.5', 0, 100)).toBe(99.5);
    for (const bad of ['0x10', '1e1', '', '-1', '101'])
      expect(() => checkNumber('--min-success-rate', bad, 0, 100)).toThrow(UsageError);
  });

  const known = catalogServices();

  it('knows the catalog services and rejects others by name', () => {
    expect(known).toContain('device-registry');
    expect(checkService('device-registry', known)).toBe('device-registry');
    expect(() => checkService('payments', known)).toThrow(/unknown service "payments"/);
    expect(() => checkService(undefined, known)).toThrow(UsageError);
  });

  // Tags become the pods' version label: Kubernetes label values, a subset of Docker's tags.
  it("takes its tag rule from the charts' values schema", () => {
    const schema = JSON.parse(
      readFileSync(`${REPO_ROOT}helm/device-registry/values.schema.json`, 'utf8'),
    ) as {
      definitions: { tag: { pattern: string } };
    };
    expect(tagPattern().source).toBe(schema.definitions.tag.pattern);
  });

  it.each(['v1.2.3', '1.10', 'sha-abc123', 'a_b', '7', 'A'.repeat(63)])('accepts the tag %s', (tag) => {
    expect(checkTag('--tag', tag)).toBe(tag);
  });

  it.each(['.v1', '-v1', '_x', 'v1-', 'v1.', 'v1/2', 'v1:2', 'a b', 'A'.repeat(64), ''])(
    'rejects the tag "%s"',
    (tag) => {
      expect(() => checkTag('--tag', tag)).toThrow(UsageError);
    },
  );

  it.each(['latest', 'Latest'])('rejects the moving tag %s, saying why', (tag) => {
    expect(() => checkTag('--canary-tag', tag)).toThrow(`--canary-tag "${tag}" is a moving tag`);
  });

  it('takes weights 0..100 in plain decimal that sum to 100', () => {
    expect(checkPercent('--stable', '90')).toBe(90);
    expect(checkPercent('--stable', '0')).toBe(0);
    for (const bad of ['-1', '101', '10.5', 'ten', '', '0x0a', '1e1', ' 10', '+10', '10 '])
      expect(() => checkPercent('--canary', bad)).toThrow(UsageError);
    expect(() => checkWeights(90, 10)).not.toThrow();
    expect(() => checkWeights(60, 50)).toThrow('weights must sum to 100: --stable 60 + --canary 50 = 110');
  });

  it('reads durations and steps', () => {
    expect(checkDuration('--interval', '30s')).toBe(30_000);
    expect(checkDuration('--interval', '5m')).toBe(300_000);
    expect(() => checkDuration('--interval', '5 minutes')).toThrow(UsageError);
    expect(() => checkDuration('--window', '0s')).toThrow('--window must be a duration above zero');
    expect(checkSteps('10,25,50')).toEqual([10, 25, 50]);
    expect(() => checkSteps('25,10')).toThrow(/rising/);
    expect(() => checkSteps('0,50')).toThrow(/rising/);
  });

  it('keeps every step below 100, so stable is still there to compare with', () => {
    expect(checkSteps('10,50,99')).toEqual([10, 50, 99]);
    expect(() => checkSteps('10,25,50,100')).toThrow(
      /--steps must stay below 100, like 10,25,50, not "10,25,50,100": at 100% stable gets no traffic/,
    );
  });
});
