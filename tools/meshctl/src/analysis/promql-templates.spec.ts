import { trackQueries } from './promql-templates.js';

const scope = { service: 'device-registry', namespace: 'device-registry', window: '1m' } as const;

describe('PromQL templates', () => {
  it('istio: gRPC-aware success rate, p99 and count for one track', () => {
    const sel =
      'reporter="destination",destination_workload_namespace="device-registry",destination_workload="device-registry-canary"';
    expect(trackQueries('istio', { ...scope, track: 'canary' })).toEqual({
      successRate:
        `(sum(rate(istio_requests_total{${sel},response_code!~"5..",grpc_response_status=~"0|"}[1m])) or vector(0))` +
        ` / sum(rate(istio_requests_total{${sel}}[1m]))`,
      p99Ms: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}[1m])))`,
      requests: `sum(increase(istio_requests_total{${sel}}[1m]))`,
    });
  });

  it('app: non-OK grpc_code is a failure; seconds become milliseconds', () => {
    const sel = 'service="device-registry",track="stable"';
    expect(trackQueries('app', { ...scope, track: 'stable' })).toEqual({
      successRate:
        `1 - ((sum(rate(grpc_server_handled_total{${sel},grpc_code!="OK"}[1m])) or vector(0))` +
        ` / sum(rate(grpc_server_handled_total{${sel}}[1m])))`,
      p99Ms: `histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket{${sel}}[1m]))) * 1000`,
      requests: `sum(increase(grpc_server_handled_total{${sel}}[1m]))`,
    });
  });

  it('uses the namespace given, not the service name, for Istio', () => {
    const { requests } = trackQueries('istio', { ...scope, namespace: 'staging', track: 'stable' });
    expect(requests).toContain('destination_workload_namespace="staging"');
    expect(requests).toContain('destination_workload="device-registry-stable"');
  });
});
