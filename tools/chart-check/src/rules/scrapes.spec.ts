import type { K8sObject } from '../manifest.js';
import { deployment, object } from './fixtures.testing.js';
import { serviceMonitorsCanScrape } from './scrapes.js';

const admin = deployment('stable', (container) => {
  container['ports'] = [{ name: 'http-admin', containerPort: 9462 }];
});
const service = object('Service', 'shop', {
  ports: [{ name: 'http-admin', port: 9462, targetPort: 'http-admin' }],
});
const monitor = (endpoint: Record<string, unknown>) =>
  object('ServiceMonitor', 'shop', { endpoints: [{ port: 'http-admin', ...endpoint }] });
const mtls = { scheme: 'https', tlsConfig: { certFile: '/etc/prom-certs/cert-chain.pem' } };
const allow = (principals: string[], ports: string[]): K8sObject =>
  object('AuthorizationPolicy', 'shop', {
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals } }], to: [{ operation: { ports } }] }],
  });

describe('serviceMonitorsCanScrape', () => {
  it('accepts an mTLS scrape of a port a principal is allowed on', () => {
    expect(
      serviceMonitorsCanScrape([
        admin,
        service,
        monitor(mtls),
        allow(['cluster.local/ns/x/sa/prom'], ['9462']),
      ]),
    ).toEqual([]);
  });

  it('reports a scrape of a port nobody is allowed on', () => {
    expect(serviceMonitorsCanScrape([admin, service, monitor(mtls), allow(['a/b'], ['50051'])])).toEqual([
      'ServiceMonitor shop/shop scrapes port 9462, which no AuthorizationPolicy lets anyone reach',
    ]);
  });

  it('reports a plaintext scrape and a port no Service names', () => {
    const plain = object('ServiceMonitor', 'shop', { endpoints: [{ port: 'metrics' }] });
    expect(serviceMonitorsCanScrape([admin, service, plain])).toEqual([
      'ServiceMonitor shop/shop scrapes metrics without a client certificate: STRICT mTLS refuses it',
      'ServiceMonitor shop/shop scrapes metrics, which no Service port is named',
    ]);
  });

  it('has nothing to say without a ServiceMonitor', () => {
    expect(serviceMonitorsCanScrape([admin, service])).toEqual([]);
  });
});
