import { QuantileSketch } from '../aggregates/domain/quantile-sketch.js';
import { WindowCache } from './window-cache.js';

describe('WindowCache', () => {
  const sketch = QuantileSketch.empty();

  it('hands a sketch over only for the revision and count it was written with', () => {
    const cache = new WindowCache();
    cache.put('w', { revision: 7, count: 3, sketch });
    expect(cache.take('w', 8, 3)).toBeUndefined();
    // A stale entry is dropped, not kept for later.
    cache.put('w', { revision: 7, count: 3, sketch });
    expect(cache.take('w', 7, 4)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.put('w', { revision: 7, count: 3, sketch });
    expect(cache.take('w', 7, 3)).toBe(sketch);
    // Taken means owned by the caller: a second take finds nothing.
    expect(cache.take('w', 7, 3)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the least recently written', () => {
    const cache = new WindowCache(2);
    cache.put('a', { revision: 1, count: 1, sketch });
    cache.put('b', { revision: 1, count: 1, sketch });
    cache.put('a', { revision: 2, count: 2, sketch });
    cache.put('c', { revision: 1, count: 1, sketch });
    expect(cache.size).toBe(2);
    expect(cache.take('b', 1, 1)).toBeUndefined();
    expect(cache.take('a', 2, 2)).toBe(sketch);
    expect(cache.take('c', 1, 1)).toBe(sketch);
  });
});
