import { object } from './fixtures.testing.js';
import { gracePeriodCoversDrain } from './shutdown.js';

const withData = (shutdownMs: string) => ({
  ...object('ConfigMap', 'shop', {}),
  data: { SHUTDOWN_TIMEOUT_MS: shutdownMs },
});
const pod = (grace: number, drain: number) =>
  object('Deployment', 'shop-stable', {
    template: {
      metadata: { annotations: { 'proxy.istio.io/config': `{"terminationDrainDuration": "${drain}s"}` } },
      spec: {
        terminationGracePeriodSeconds: grace,
        containers: [
          {
            envFrom: [{ configMapRef: { name: 'shop' } }],
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
          },
        ],
      },
    },
  });

describe('gracePeriodCoversDrain', () => {
  it('accepts a grace period and proxy drain covering preStop plus the shutdown timeout', () => {
    expect(gracePeriodCoversDrain([withData('10000'), pod(20, 20)])).toEqual([]);
    expect(gracePeriodCoversDrain([withData('10001'), pod(16, 16)])).toEqual([]);
  });

  it('reports a grace period shorter than the drain the ConfigMap gives the app', () => {
    expect(gracePeriodCoversDrain([withData('30000'), pod(20, 20)])).toEqual([
      'Deployment shop/shop-stable: terminationGracePeriodSeconds 20 < preStop 5s + SHUTDOWN_TIMEOUT_MS 30000ms',
    ]);
  });

  it('reports a proxy that leaves before the grace period ends', () => {
    expect(gracePeriodCoversDrain([withData('10000'), pod(20, 15)])).toEqual([
      'Deployment shop/shop-stable: proxy terminationDrainDuration 15s, grace period 20s',
    ]);
  });
});
