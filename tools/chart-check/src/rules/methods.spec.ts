import { authorizationPolicy } from './fixtures.testing.js';
import { policyMethodsExist } from './methods.js';

describe('policyMethodsExist', () => {
  const proto = new Set(['/pkg.Shop/GetItem']);

  it('accepts methods the proto defines', () => {
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shop/GetItem')], proto)).toEqual([]);
  });

  it('reports a method the proto does not define', () => {
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shop/GetItems')], proto)).toEqual([
      'AuthorizationPolicy shop/shop allows /pkg.Shop/GetItems, which no proto defines',
    ]);
  });
});
