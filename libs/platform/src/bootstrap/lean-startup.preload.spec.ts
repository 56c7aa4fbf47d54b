import { IMPORT_BUILT_PRELOAD, probeInFreshNode } from './fresh-node-probe.testing.js';

// Each case runs in a fresh Node process, since the point is what happens while node:http and
// @nestjs/common are first loaded.

// Counts the real Intl.DateTimeFormat objects built, loads node:http as an ES module and then
// @nestjs/common (after the preload when asked), uses both, and reports what it saw as JSON.
const script = (withPreload: boolean) => `
  const undiciLoaded = () => process.moduleLoadList.some((name) => name.includes('undici'));
  const Real = Intl.DateTimeFormat;
  let built = 0;
  function Counting(...args) { built += 1; return new Real(...args); }
  Counting.supportedLocalesOf = Real.supportedLocalesOf;
  Intl.DateTimeFormat = Counting;
  ${withPreload ? IMPORT_BUILT_PRELOAD : ''}
  const http = await import('node:http');
  const undiciAfterImport = undiciLoaded();
  const { ConsoleLogger } = await import('@nestjs/common');
  const formattersAfterLoad = built;
  const restored = Intl.DateTimeFormat === Counting;
  const lines = [];
  process.stdout.write = (line) => lines.push(String(line));
  new ConsoleLogger('Probe', { colors: false }).log('hello');
  console.error(JSON.stringify({
    undiciAfterImport,
    statusText: http.STATUS_CODES[404],
    webSocket: typeof http.default.WebSocket,
    undiciAfterUse: undiciLoaded(),
    formattersAfterLoad,
    restored,
    formattersAfterLog: built,
    logged: lines.join(''),
  }));
`;

const startUp = (withPreload: boolean) => probeInFreshNode<Record<string, unknown>>(script(withPreload));

describe('lean-startup preload', () => {
  it('is needed: importing node:http loads undici, and NestJS builds its two formatters as it loads', () => {
    const seen = startUp(false);
    expect(seen['undiciAfterImport']).toBe(true);
    expect(seen['formattersAfterLoad']).toBe(2);
  });

  it('leaves undici and the formatters unloaded until used, and both work when they are', () => {
    const seen = startUp(true);
    expect(seen['undiciAfterImport']).toBe(false);
    expect(seen['statusText']).toBe('Not Found');
    // http.WebSocket keeps its lazy getter: reading it loads undici then.
    expect(seen['webSocket']).toBe('function');
    expect(seen['undiciAfterUse']).toBe(true);

    expect(seen['formattersAfterLoad']).toBe(0);
    expect(seen['restored']).toBe(true);
    expect(seen['formattersAfterLog']).toBe(1);
    expect(seen['logged']).toContain('[Probe] hello');
    expect(seen['logged']).toContain(String(new Date().getFullYear()));
  });
});
