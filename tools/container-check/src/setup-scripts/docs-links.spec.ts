import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { existsInRepo, readRepoFile, repoPath } from '../repo.js';

/** README.md and every markdown file under docs/, repo-relative. */
const documents = [
  'README.md',
  ...readdirSync(repoPath('docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => join('docs', path)),
];

describe.each(documents)('%s', (document) => {
  const text = readRepoFile(document);

  it('links only to files that exist', () => {
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map(([, target = '']) => target)
      .filter((target) => !/^[a-z]+:/.test(target));
    for (const target of targets)
      expect(`${target}: ${existsInRepo(join(dirname(document), target))}`).toBe(`${target}: true`);
  });

  it('names only set-up scripts that exist', () => {
    for (const [script] of text.matchAll(/setup-scripts\/[\w-]+\.sh/g)) {
      expect(`${script}: ${existsInRepo(script)}`).toBe(`${script}: true`);
    }
  });
});

it('keeps one architecture decision record per main choice, numbered in order', () => {
  const records = readdirSync(repoPath('docs/adr')).sort();
  expect(records.length).toBeGreaterThanOrEqual(5);
  records.forEach((name, index) =>
    expect(name).toMatch(new RegExp(`^${String(index + 1).padStart(4, '0')}-[a-z0-9-]+\\.md$`)),
  );
  for (const name of records)
    expect(readRepoFile(`docs/adr/${name}`)).toMatch(/^Status: (accepted|proposed|superseded)/m);
});
