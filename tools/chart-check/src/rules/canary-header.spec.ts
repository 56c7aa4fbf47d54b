import type { ChartService } from '../catalog/generate-catalog-template.js';
import { canaryHeaderOnlyInMesh, meshCanaryHeaderHasCallers } from './canary-header.js';
import { object } from './fixtures.testing.js';

const host = 'shop.shop.svc.cluster.local';
const header = { 'x-canary': { exact: 'always' } };

function service(gateways: string[] | undefined, match: Record<string, unknown>) {
  return object('VirtualService', 'shop', {
    hosts: [host],
    ...(gateways ? { gateways } : {}),
    http: [{ name: 'canary-header', match: [match], route: [{ destination: { host, subset: 'canary' } }] }],
  });
}

describe('canaryHeaderOnlyInMesh', () => {
  it('accepts a header route bound to the mesh only', () => {
    expect(canaryHeaderOnlyInMesh([service(undefined, { headers: header })])).toEqual([]);
    expect(
      canaryHeaderOnlyInMesh([service(['mesh', 'istio-system/gw'], { headers: header, gateways: ['mesh'] })]),
    ).toEqual([]);
  });

  it('reports a header route that applies to the ingress Gateway', () => {
    const expected = [
      'VirtualService shop/shop route canary-header: x-canary honoured for traffic from istio-system/gw',
    ];
    expect(
      canaryHeaderOnlyInMesh([service(['mesh'], { headers: header, gateways: ['istio-system/gw'] })]),
    ).toEqual(expected);
    // Without match.gateways the route applies to every gateway the VirtualService is bound to.
    expect(canaryHeaderOnlyInMesh([service(['mesh', 'istio-system/gw'], { headers: header })])).toEqual(
      expected,
    );
  });
});

describe('meshCanaryHeaderHasCallers', () => {
  const catalogWith = (callers: Record<string, string[]>): Record<string, ChartService> => ({
    shop: { name: 'shop', grpcPort: 1, adminPort: 2, api: 'x.Shop', calls: {}, callers, healthCheckers: [] },
  });

  it('accepts a mesh header route on a service with callers, and an ingress one on any', () => {
    const meshRoute = service(['mesh', 'istio-system/gw'], { headers: header, gateways: ['mesh'] });
    expect(meshCanaryHeaderHasCallers([meshRoute], catalogWith({ cart: ['Get'] }))).toEqual([]);
    const ingressRoute = service(['mesh', 'istio-system/gw'], {
      headers: header,
      gateways: ['istio-system/gw'],
    });
    expect(meshCanaryHeaderHasCallers([ingressRoute], catalogWith({}))).toEqual([]);
  });

  it('reports a mesh header route on a service no mesh caller may call', () => {
    expect(meshCanaryHeaderHasCallers([service(undefined, { headers: header })], catalogWith({}))).toEqual([
      'VirtualService shop/shop route canary-header: x-canary for mesh callers, but none may call it',
    ]);
  });
});
