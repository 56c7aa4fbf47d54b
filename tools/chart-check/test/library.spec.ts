// The library's conventions (bitnami common style) and the thin charts staying thin and alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartsDir, lint } from '../src/helm/helm.js';
import { charts } from '../src/matrix.js';

const libraryTemplates = join(chartsDir, 'mesh-service/templates');
const tplFiles = readdirSync(libraryTemplates).filter((file) => file.endsWith('.tpl'));

describe('the mesh-service library', () => {
  it('passes helm lint --strict', async () => {
    const result = await lint('mesh-service');
    expect(result.ok).toBe(true);
  });

  it.each(tplFiles)('%s names each template mesh-service.<file>.<fn> and shows its usage', (file) => {
    const source = readFileSync(join(libraryTemplates, file), 'utf8');
    const topic = file.replace(/^_/, '').replace(/\.tpl$/, '');
    const names = [...source.matchAll(/define "([^"]+)"/g)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(new RegExp(`^mesh-service\\.${topic}\\.[a-zA-Z]+$`));
    expect(source.match(/Usage:/g)).toHaveLength(names.length);
  });
});

describe('the service charts', () => {
  const read = (chart: string, file: string): string => readFileSync(join(chartsDir, chart, file), 'utf8');

  it.each(charts)('%s keeps every template to one library include', (chart) => {
    const templates = readdirSync(join(chartsDir, chart, 'templates'));
    for (const file of templates) {
      const includes = read(chart, `templates/${file}`).match(/include "mesh-service\./g) ?? [];
      expect(`${file}: ${includes.length}`).toBe(`${file}: 1`);
    }
  });
});
