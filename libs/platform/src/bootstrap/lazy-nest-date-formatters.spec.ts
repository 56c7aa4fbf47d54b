import { spawnSync } from 'node:child_process';

// The built module, as a service's entry file imports it; each case runs in a fresh Node process,
// since the point is what happens while @nestjs/common first loads.
const BUILT_MODULE_URL = new URL('../../dist/bootstrap/lazy-nest-date-formatters.js', import.meta.url).href;

// Counts the real Intl.DateTimeFormat objects built, loads @nestjs/common (after the module under test
// when asked), logs one line through NestJS's console logger, and reports what it saw as JSON.
const script = (withModule: boolean) => `
  const Real = Intl.DateTimeFormat;
  let built = 0;
  function Counting(...args) { built += 1; return new Real(...args); }
  Counting.supportedLocalesOf = Real.supportedLocalesOf;
  Intl.DateTimeFormat = Counting;
  ${withModule ? `await import(${JSON.stringify(BUILT_MODULE_URL)});` : ''}
  const { ConsoleLogger } = await import('@nestjs/common');
  const afterLoad = built;
  const restored = Intl.DateTimeFormat === Counting;
  const lines = [];
  process.stdout.write = (line) => lines.push(String(line));
  new ConsoleLogger('Probe', { colors: false }).log('hello');
  console.error(JSON.stringify({ afterLoad, restored, afterLog: built, logged: lines.join('') }));
`;

function loadNest(withModule: boolean) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script(withModule)], {
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as {
    afterLoad: number;
    restored: boolean;
    afterLog: number;
    logged: string;
  };
}

describe('lazy NestJS date formatters', () => {
  it('NestJS on its own builds its two formatters as it loads', () => {
    expect(loadNest(false).afterLoad).toBe(2);
  });

  it('leave them unbuilt until NestJS formats a timestamp, then print it as before', () => {
    const seen = loadNest(true);
    expect(seen.afterLoad).toBe(0);
    expect(seen.restored).toBe(true);
    expect(seen.afterLog).toBe(1);
    expect(seen.logged).toContain('[Probe] hello');
    expect(seen.logged).toContain(String(new Date().getFullYear()));
  });
});
