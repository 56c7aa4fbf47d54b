import { summarize } from './rss-sampler.js';

describe('summarize', () => {
  it('reports first, last, max and growth of the last third over the middle (warm-up excluded)', () => {
    const s = summarize([100, 150, 200, 200, 220, 220]);
    expect(s).toMatchObject({ first: 100, last: 220, max: 220, samples: 6 });
    expect(s.growth).toBeCloseTo(0.1);
  });

  it('reads a flat series as zero growth and copes with no samples', () => {
    expect(summarize([5, 5, 5]).growth).toBe(0);
    expect(summarize([])).toMatchObject({ first: 0, last: 0, max: 0, growth: 0, samples: 0 });
  });
});
