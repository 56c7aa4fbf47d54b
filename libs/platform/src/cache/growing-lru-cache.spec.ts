import { growingLruCache } from './growing-lru-cache.js';

describe('growingLruCache', () => {
  it('sizes nothing up front: the bound is a summed size, not the max that lru-cache preallocates', () => {
    const cache = growingLruCache<string, number>(200_000);
    expect(cache.max).toBe(0);
    expect(cache.maxSize).toBe(200_000);
    expect(cache.size).toBe(0);
  });

  it('holds at most its number of entries, dropping the least recently used', () => {
    const cache = growingLruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // 'a' is now the most recently used, 'b' the least
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['k997', 'k998', 'k999']);
  });

  it('passes the other options on: entries expire after their ttl', () => {
    let now = 1_000_000;
    // ttlResolution 0: the clock is read on every call, not cached for a millisecond.
    const cache = growingLruCache<string, number>(10, {
      ttl: 1_000,
      ttlResolution: 0,
      perf: { now: () => now },
    });
    cache.set('a', 1);
    now = 1_000_999;
    expect(cache.get('a')).toBe(1);
    now = 1_001_001;
    expect(cache.get('a')).toBeUndefined();
  });
});
