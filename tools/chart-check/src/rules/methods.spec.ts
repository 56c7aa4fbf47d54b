import { authorizationPolicy } from './fixtures.testing.js';
import { policyMethodsExist } from './methods.js';

describe('policyMethodsExist', () => {
  const proto = new Set(['/pkg.Shop/GetItem']);

  it('accepts methods the proto defines, and the gRPC health check', () => {
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shop/GetItem')], proto)).toEqual([]);
    expect(policyMethodsExist([authorizationPolicy('p', '/grpc.health.v1.Health/Check')], proto)).toEqual([]);
  });

  it('accepts every method of a service the proto defines, and reports a service it does not', () => {
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shop/*')], proto)).toEqual([]);
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shops/*')], proto)).toEqual([
      'AuthorizationPolicy shop/shop allows /pkg.Shops/*, a service no proto defines',
    ]);
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.*')], proto)).toHaveLength(1);
  });

  it('reports any other health method (Watch streams for as long as the caller likes)', () => {
    expect(
      policyMethodsExist([authorizationPolicy('p', '/grpc.health.v1.Health/Watch')], proto),
    ).toHaveLength(1);
  });

  it('reports a method the proto does not define', () => {
    expect(policyMethodsExist([authorizationPolicy('p', '/pkg.Shop/GetItems')], proto)).toEqual([
      'AuthorizationPolicy shop/shop allows /pkg.Shop/GetItems, which no proto defines',
    ]);
  });
});
