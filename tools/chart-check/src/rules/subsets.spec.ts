import { destinationRule, virtualService } from './fixtures.testing.js';
import { subsetsExist } from './subsets.js';

describe('subsetsExist', () => {
  it('accepts subsets the DestinationRule declares', () => {
    expect(subsetsExist([destinationRule, virtualService(90, 10)])).toEqual([]);
  });

  it('reports a subset no DestinationRule declares', () => {
    expect(subsetsExist([destinationRule, virtualService(90, 10, 'blue')])).toEqual([
      'VirtualService shop/shop routes to subset blue of shop.shop.svc.cluster.local, which no DestinationRule declares',
    ]);
  });
});
