import { TtlCache } from './ttl-cache.js';

describe('TTL cache', () => {
  it('remembers values and "not found" for the TTL, then loads again', async () => {
    let now = 0;
    const cache = new TtlCache<string | undefined>(1_000, () => now);
    const loads: string[] = [];
    const load = (key: string) => {
      loads.push(key);
      return Promise.resolve(key === 'known' ? 'value' : undefined);
    };
    await expect(cache.get('known', load)).resolves.toBe('value');
    await expect(cache.get('unknown', load)).resolves.toBeUndefined();
    now = 999;
    await cache.get('known', load);
    await cache.get('unknown', load);
    expect(loads).toEqual(['known', 'unknown']);
    now = 1_000;
    await cache.get('known', load);
    expect(loads).toEqual(['known', 'unknown', 'known']);
  });

  it('shares one load among concurrent callers and forgets failures', async () => {
    const cache = new TtlCache<string>(1_000, () => 0);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    await Promise.all([
      expect(cache.get('k', failing)).rejects.toThrow('down'),
      expect(cache.get('k', failing)).rejects.toThrow('down'),
    ]);
    expect(calls).toBe(1);
    await expect(cache.get('k', () => Promise.resolve('up'))).resolves.toBe('up');
  });

  it('stays bounded', async () => {
    const cache = new TtlCache<number>(60_000, () => 0, 3);
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, () => Promise.resolve(1));
    let reloaded = false;
    await cache.get('a', () => {
      reloaded = true;
      return Promise.resolve(2);
    });
    expect(reloaded).toBe(true);
  });
});
