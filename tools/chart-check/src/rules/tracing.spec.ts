import type { K8sObject } from '../manifest.js';
import { deployment, object } from './fixtures.testing.js';
import { deploymentsExportSpans, tracingEndpointReachable } from './tracing.js';

const jaeger = 'http://jaeger-collector.istio-system.svc.cluster.local:4318';
const fromConfigMap = deployment('stable', (container) => {
  container['envFrom'] = [{ configMapRef: { name: 'shop' } }];
});
const configMap = (data: Record<string, string>): K8sObject => ({ ...object('ConfigMap', 'shop', {}), data });
const sidecar = (hosts: string[], mode = 'REGISTRY_ONLY'): K8sObject =>
  object('Sidecar', 'default', { egress: [{ hosts }], outboundTrafficPolicy: { mode } });

describe('deploymentsExportSpans', () => {
  it('accepts an endpoint from the ConfigMap the container loads, or from its env', () => {
    expect(
      deploymentsExportSpans([fromConfigMap, configMap({ OTEL_EXPORTER_OTLP_ENDPOINT: jaeger })]),
    ).toEqual([]);
    const inEnv = deployment('canary', (container) => {
      container['env'] = [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: jaeger }];
    });
    expect(deploymentsExportSpans([inEnv])).toEqual([]);
  });

  it('reports a Deployment without an endpoint, or with an empty one', () => {
    expect(deploymentsExportSpans([fromConfigMap, configMap({ STORAGE: 'sqlite' })])).toEqual([
      'Deployment shop/shop-stable sets no OTEL_EXPORTER_OTLP_ENDPOINT: its spans are never exported',
    ]);
    expect(
      deploymentsExportSpans([fromConfigMap, configMap({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })]),
    ).toHaveLength(1);
  });
});

describe('tracingEndpointReachable', () => {
  const withEndpoint = (endpoint: string) => [
    fromConfigMap,
    configMap({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
  ];

  it("accepts a collector in a namespace the Sidecar's egress lists, by wildcard or by name", () => {
    expect(tracingEndpointReachable([...withEndpoint(jaeger), sidecar(['istio-system/*'])])).toEqual([]);
    expect(
      tracingEndpointReachable([
        ...withEndpoint('http://otel.observability:4318'),
        sidecar(['istio-system/*', 'observability/otel.observability.svc.cluster.local']),
      ]),
    ).toEqual([]);
    expect(
      tracingEndpointReachable([
        ...withEndpoint('https://otlp.example.com'),
        sidecar(['*/otlp.example.com']),
      ]),
    ).toEqual([]);
  });

  it('reports a collector the egress leaves out under REGISTRY_ONLY, but not under ALLOW_ANY', () => {
    expect(
      tracingEndpointReachable([
        ...withEndpoint('http://otel.observability:4318'),
        sidecar(['istio-system/*']),
      ]),
    ).toEqual([
      'Sidecar shop/default lets Deployment shop/shop-stable reach no otel.observability.svc.cluster.local, ' +
        'where its OTEL_EXPORTER_OTLP_ENDPOINT sends spans (egress: istio-system/*)',
    ]);
    expect(
      tracingEndpointReachable([...withEndpoint('https://otlp.example.com'), sidecar(['istio-system/*'])]),
    ).toHaveLength(1);
    expect(
      tracingEndpointReachable([
        ...withEndpoint('http://otel.observability:4318'),
        sidecar(['istio-system/*'], 'ALLOW_ANY'),
      ]),
    ).toEqual([]);
  });

  it('has nothing to say without an endpoint or a Sidecar', () => {
    expect(tracingEndpointReachable([fromConfigMap, configMap({}), sidecar(['istio-system/*'])])).toEqual([]);
    expect(tracingEndpointReachable(withEndpoint(jaeger))).toEqual([]);
  });
});
