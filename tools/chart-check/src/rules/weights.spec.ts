import { virtualService } from './fixtures.testing.js';
import { weightsSumTo100 } from './weights.js';

describe('weightsSumTo100', () => {
  it('accepts 90/10 and a lone destination without a weight', () => {
    const lone = virtualService(0, 0);
    (lone.spec!.http as { route: unknown[] }[])[0].route = [{ destination: { host: 'h' } }];
    expect(weightsSumTo100([virtualService(90, 10), lone])).toEqual([]);
  });

  it('reports a route whose weights add up to more or less than 100', () => {
    expect(weightsSumTo100([virtualService(60, 50), virtualService(60, 30), virtualService(0, 0)])).toEqual([
      'VirtualService shop/shop route default: weights add up to 110, not 100',
      'VirtualService shop/shop route default: weights add up to 90, not 100',
      'VirtualService shop/shop route default: weights add up to 0, not 100',
    ]);
  });
});
