import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { take } from './token-bucket.js';

const limit = { perSecond: 2, burst: 3 };

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let state = undefined;
    const results: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const result = take(state, 1_000, limit);
      results.push(result.allowed);
      state = result.state;
    }
    expect(results).toEqual([true, true, true, false]);
    expect(take(state, 1_000, limit).retryAfterMs).toBe(500);
    expect(take(state, 1_500, limit).allowed).toBe(true); // one token back after 500 ms
  });

  it('never holds more than the burst', () => {
    const idle = take({ tokens: 0, updatedMs: 0 }, 3_600_000, limit);
    expect(idle.state.tokens).toBe(2); // refilled to 3, one taken
  });

  it('keeps separate buckets per key in memory', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    const one = { perSecond: 1, burst: 1 };
    await expect(limiter.consume('device:a', one)).resolves.toEqual({ allowed: true, retryAfterMs: 0 });
    await expect(limiter.consume('device:a', one)).resolves.toEqual({ allowed: false, retryAfterMs: 1000 });
    await expect(limiter.consume('device:b', one)).resolves.toMatchObject({ allowed: true });
    now = 1_000;
    await expect(limiter.consume('device:a', one)).resolves.toMatchObject({ allowed: true });
  });
});
