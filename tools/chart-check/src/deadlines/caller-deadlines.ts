import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../catalog/generate-catalog-template.js';

/** A row of helm/caller-deadlines.json: the default deadline a caller gives its calls to these services. */
export interface CallerDeadline {
  caller: string;
  callees: string[];
  deadlineMs: number;
  /** The file that sets the default, relative to the repository. */
  source: string;
  /** Its config variable; without one, the file's only `deadlineMs:` constant. */
  setting?: string;
}

export const callerDeadlinesPath = join(repoRoot, 'helm/caller-deadlines.json');

export function readCallerDeadlines(path = callerDeadlinesPath): CallerDeadline[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { deadlines: CallerDeadline[] }).deadlines;
}

/** Service -> the longest deadline any of its callers gives a call to it. */
export function longestCallerDeadlines(rows: readonly CallerDeadline[]): Record<string, number> {
  const longest: Record<string, number> = {};
  for (const row of rows) {
    for (const callee of row.callees) longest[callee] = Math.max(longest[callee] ?? 0, row.deadlineMs);
  }
  return longest;
}

/**
 * The default the row's source applies: the number in `SETTING: millis(5_000)` of a config schema, or
 * in the file's one `deadlineMs: 3_000`; undefined when it cannot be told.
 */
export function sourceDefaultMs(row: CallerDeadline, sourceText: string): number | undefined {
  const pattern = row.setting
    ? new RegExp(`\\b${row.setting}: millis\\(([\\d_]+)\\)`, 'g')
    : /\bdeadlineMs: ([\d_]+)\b/g;
  const found = [...sourceText.matchAll(pattern)];
  return found.length === 1 ? Number(found[0][1].replaceAll('_', '')) : undefined;
}
