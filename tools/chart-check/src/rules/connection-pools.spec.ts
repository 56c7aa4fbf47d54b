import { connectionPoolsBounded } from './connection-pools.js';
import { object } from './fixtures.testing.js';

const pool = (maxConnections: number) => ({
  tcp: { maxConnections, connectTimeout: '3s' },
  http: { http1MaxPendingRequests: 100, http2MaxRequests: 1000 },
});
const shared = {
  tls: { mode: 'ISTIO_MUTUAL' },
  loadBalancer: { simple: 'LEAST_REQUEST' },
  outlierDetection: { consecutive5xxErrors: 5 },
};
const rule = (portLevel: Record<string, unknown>, top: Record<string, unknown> = pool(100)) =>
  object('DestinationRule', 'shop', {
    host: 'shop.shop.svc.cluster.local',
    trafficPolicy: {
      ...shared,
      connectionPool: top,
      portLevelSettings: [{ port: { number: 8080 }, ...portLevel }],
    },
  });

describe('connectionPoolsBounded', () => {
  it('accepts bounded pools and a port-level entry that repeats the destination policy', () => {
    expect(connectionPoolsBounded([rule({ ...shared, connectionPool: pool(4096) })])).toEqual([]);
  });

  it('reports a pool whose queue has no bound', () => {
    const unbounded = { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 1000 } };
    expect(connectionPoolsBounded([rule({ ...shared, connectionPool: pool(1) }, unbounded)])).toEqual([
      'DestinationRule shop/shop: connectionPool sets no http.http1MaxPendingRequests',
    ]);
  });

  it('reports a port-level entry that leaves out what Istio will not inherit', () => {
    expect(
      connectionPoolsBounded([rule({ tls: shared.tls, connectionPool: { tcp: { maxConnections: 4096 } } })]),
    ).toEqual([
      'DestinationRule shop/shop port 8080: connectionPool sets no http.http1MaxPendingRequests',
      'DestinationRule shop/shop port 8080: connectionPool sets no http.http2MaxRequests',
      'DestinationRule shop/shop port 8080: loadBalancer undefined differs from the destination\'s {"simple":"LEAST_REQUEST"} (port-level settings inherit nothing)',
      'DestinationRule shop/shop port 8080: outlierDetection undefined differs from the destination\'s {"consecutive5xxErrors":5} (port-level settings inherit nothing)',
    ]);
  });
});
