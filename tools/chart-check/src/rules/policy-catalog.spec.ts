import { authorizationPolicy } from './fixtures.testing.js';
import { policiesMatchCatalog } from './policy-catalog.js';

describe('policiesMatchCatalog', () => {
  const catalog = {
    shop: {
      name: 'shop',
      grpcPort: 1,
      adminPort: 2,
      api: 'pkg.Shop',
      calls: {},
      callers: { cart: ['GetItem'] },
    },
    cart: {
      name: 'cart',
      grpcPort: 3,
      adminPort: 4,
      api: 'pkg.Cart',
      calls: { shop: ['GetItem'] },
      callers: {},
    },
  };

  it('accepts exactly the catalog grant', () => {
    const policy = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/pkg.Shop/GetItem');
    expect(policiesMatchCatalog([policy], catalog)).toEqual([]);
  });

  it('reports a method the catalog does not grant', () => {
    const policy = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/pkg.Shop/DeleteItem');
    expect(policiesMatchCatalog([policy], catalog)).toEqual([
      'AuthorizationPolicy shop/shop: cart is granted ["/pkg.Shop/DeleteItem"], catalog says ["/pkg.Shop/GetItem"]',
    ]);
  });
});
