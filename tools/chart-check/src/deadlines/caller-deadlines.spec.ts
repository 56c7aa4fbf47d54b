import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, repoRoot } from '../catalog/generate-catalog-template.js';
import {
  longestCallerDeadlines,
  readCallerDeadlines,
  sourceDefaultMs,
  type CallerDeadline,
} from './caller-deadlines.js';

const rows = readCallerDeadlines();

describe('helm/caller-deadlines.json', () => {
  it.each(rows.map((row) => [`${row.caller} -> ${row.callees.join(', ')}`, row] as const))(
    '%s: the deadline is the default its source applies',
    (_title, row) => {
      const source = readFileSync(join(repoRoot, row.source), 'utf8');
      expect([row.source, sourceDefaultMs(row, source)]).toEqual([row.source, row.deadlineMs]);
    },
  );

  it('has one deadline for every call of services/catalog.json, and none for a call it lacks', () => {
    const calls = readCatalog()
      .flatMap((service) => Object.keys(service.calls).map((callee) => `${service.name} -> ${callee}`))
      .sort();
    const listed = rows.flatMap((row) => row.callees.map((callee) => `${row.caller} -> ${callee}`)).sort();
    expect(listed).toEqual(calls);
  });
});

describe('sourceDefaultMs', () => {
  const row = (setting?: string): CallerDeadline => ({
    caller: 'a',
    callees: ['b'],
    deadlineMs: 0,
    source: 'x.ts',
    ...(setting && { setting }),
  });

  it("reads a config variable's millis() default, or a file's one deadlineMs constant", () => {
    expect(
      sourceDefaultMs(row('B_DEADLINE_MS'), 'A_B_DEADLINE_MS: millis(1),\nB_DEADLINE_MS: millis(2_500),'),
    ).toBe(2500);
    expect(sourceDefaultMs(row(), 'address,\n      deadlineMs: 3_000,\n')).toBe(3000);
  });

  it('tells nothing when the default is missing or not the only one', () => {
    expect(sourceDefaultMs(row('B_DEADLINE_MS'), 'B_DEADLINE_MS: positive(2000),')).toBeUndefined();
    expect(sourceDefaultMs(row(), 'deadlineMs: 1_000, deadlineMs: 2_000')).toBeUndefined();
    expect(sourceDefaultMs(row(), 'deadlineMs: settings.deadlineMs')).toBeUndefined();
  });
});

describe('longestCallerDeadlines', () => {
  it("keeps each service's longest caller deadline", () => {
    expect(
      longestCallerDeadlines([
        { caller: 'a', callees: ['b', 'c'], deadlineMs: 5000, source: '' },
        { caller: 'b', callees: ['c'], deadlineMs: 7000, source: '' },
      ]),
    ).toEqual({ b: 5000, c: 7000 });
  });
});
