import type { K8sObject } from '../manifest.js';
import { unknownFieldProblems, upstreamProblems } from './validate-object.js';

const destinationRule = (trafficPolicy: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: { host: 'shop.shop.svc.cluster.local', trafficPolicy },
});

describe('upstreamProblems', () => {
  it('accepts a valid DestinationRule', () => {
    expect(upstreamProblems(destinationRule({ tls: { mode: 'ISTIO_MUTUAL' } }))).toEqual([]);
  });

  it('reports a wrong type and an unknown kind', () => {
    expect(upstreamProblems(destinationRule({ tls: { mode: 'SOMETIMES' } }))[0]).toContain('tls/mode');
    const unknown: K8sObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(upstreamProblems(unknown)).toEqual(['Widget w: no schema known for example.com/v1/Widget']);
  });
});

describe('unknownFieldProblems', () => {
  it('reports a misspelt field that Istio would silently ignore', () => {
    const problems = unknownFieldProblems(destinationRule({ outlierDetections: { interval: '10s' } }));
    expect(problems).toEqual([
      'DestinationRule shop/shop: spec.trafficPolicy: Unrecognized key: "outlierDetections"',
    ]);
  });

  it.each(['0s', '0ms', '0.5ms', '5'])(
    'reports the duration %s, which the Istio CRDs refuse (at least 1ms)',
    (duration) => {
      const problems = unknownFieldProblems(destinationRule({ outlierDetection: { interval: duration } }));
      expect(problems).toEqual([
        'DestinationRule shop/shop: spec.trafficPolicy.outlierDetection.interval: must be a duration of at least 1ms like 5s (the Istio CRDs refuse less)',
      ]);
    },
  );

  it.each(['1ms', '1.5s', '10s', '2m', '1h'])('accepts the duration %s', (duration) => {
    expect(unknownFieldProblems(destinationRule({ outlierDetection: { interval: duration } }))).toEqual([]);
  });

  it('accepts the fields we use', () => {
    expect(
      unknownFieldProblems(
        destinationRule({ loadBalancer: { consistentHash: { httpHeaderName: 'x-device-id' } } }),
      ),
    ).toEqual([]);
  });
});
