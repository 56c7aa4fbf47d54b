import { deployment, virtualService } from './fixtures.testing.js';
import { trafficMatches } from './traffic.js';

describe('trafficMatches', () => {
  const off = { canaryEnabled: false, stable: 100, canary: 0 };

  it('accepts canary off with everything on stable', () => {
    expect(trafficMatches([deployment('stable'), virtualService(100, 0)], off)).toEqual([]);
  });

  it('reports a canary Deployment and canary weight while the canary is off', () => {
    expect(trafficMatches([deployment('stable'), deployment('canary'), virtualService(90, 10)], off)).toEqual(
      [
        'canary is off but Deployment shop/shop-canary is rendered',
        'VirtualService shop/shop route default: stable 90 / canary 10, expected 100 / 0',
      ],
    );
  });

  it('reports weights other than the requested split', () => {
    const on = { canaryEnabled: true, stable: 90, canary: 10 };
    expect(trafficMatches([deployment('stable'), deployment('canary'), virtualService(50, 50)], on)).toEqual([
      'VirtualService shop/shop route default: stable 50 / canary 50, expected 90 / 10',
    ]);
  });
});
