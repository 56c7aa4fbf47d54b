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
      healthCheckers: [],
    },
    cart: {
      name: 'cart',
      grpcPort: 3,
      adminPort: 4,
      api: 'pkg.Cart',
      calls: { shop: ['GetItem'] },
      callers: {},
      healthCheckers: [],
    },
  };

  it('accepts exactly the catalog grant', () => {
    const policy = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/pkg.Shop/GetItem');
    expect(policiesMatchCatalog([policy], catalog)).toEqual([]);
  });

  it('expects the health check exactly from the callers that report it', () => {
    const withChecker = { ...catalog, shop: { ...catalog.shop, healthCheckers: ['cart'] } };
    const methodOnly = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/pkg.Shop/GetItem');
    expect(policiesMatchCatalog([methodOnly], withChecker)).toEqual([
      'AuthorizationPolicy shop/shop: cart is granted ["/pkg.Shop/GetItem"], catalog says ["/grpc.health.v1.Health/Check","/pkg.Shop/GetItem"]',
    ]);
    const health = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/grpc.health.v1.Health/Check');
    expect(policiesMatchCatalog([health], catalog)).toEqual([
      'AuthorizationPolicy shop/shop: cart is granted ["/grpc.health.v1.Health/Check"], catalog says ["/pkg.Shop/GetItem"]',
    ]);
  });

  it('reports a method the catalog does not grant', () => {
    const policy = authorizationPolicy('cluster.local/ns/cart/sa/cart', '/pkg.Shop/DeleteItem');
    expect(policiesMatchCatalog([policy], catalog)).toEqual([
      'AuthorizationPolicy shop/shop: cart is granted ["/pkg.Shop/DeleteItem"], catalog says ["/pkg.Shop/GetItem"]',
    ]);
  });
});
