import { authorizationPolicy, serviceAccount } from './fixtures.testing.js';
import { principalsAreServiceAccounts } from './principals.js';

describe('principalsAreServiceAccounts', () => {
  const policy = (principal: string) => authorizationPolicy(principal, '/pkg.Shop/Get');

  it('accepts a ServiceAccount a chart creates and the ingress gateway', () => {
    const objects = [
      serviceAccount('cart'),
      policy('cluster.local/ns/cart/sa/cart'),
      policy('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'),
    ];
    expect(principalsAreServiceAccounts(objects)).toEqual([]);
  });

  it('reports a principal nobody creates', () => {
    expect(
      principalsAreServiceAccounts([serviceAccount('cart'), policy('cluster.local/ns/cart/sa/default')]),
    ).toEqual([
      'AuthorizationPolicy shop/shop allows cluster.local/ns/cart/sa/default, a ServiceAccount no chart creates',
    ]);
  });
});
