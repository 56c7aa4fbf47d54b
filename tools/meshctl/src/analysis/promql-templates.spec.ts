import { exportedSeries, metricNames } from '@iot-mesh/container-check';
import { FIGURE_ORIGINS, trackQueries } from './promql-templates.js';

const scope = { service: 'device-registry', namespace: 'device-registry', window: '1m' } as const;
const app = 'service="device-registry",track="canary"';
const rest = 'http_server_request_duration_seconds';
const latency = {
  p99Ms:
    `histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket{${app},grpc_type="unary"}[1m])` +
    ` or rate(${rest}_bucket{${app},route!="",route!="/api/v1/alerts/stream"}[1m]))) * 1000`,
  timedCalls:
    `(sum(increase(grpc_server_handling_seconds_count{${app},grpc_type="unary"}[1m])) or vector(0))` +
    ` + (sum(increase(${rest}_count{${app},route!="",route!="/api/v1/alerts/stream"}[1m])) or vector(0))`,
};

describe('PromQL templates', () => {
  it('istio: outcomes from the sidecars without client resets; latency from the unary and REST histograms', () => {
    const judged =
      'reporter="destination",destination_workload_namespace="device-registry",destination_workload="device-registry-canary",' +
      'response_flags!~"(.*,)?D[RC](,.*)?"';
    expect(trackQueries('istio', { ...scope, track: 'canary' })).toEqual({
      successRate:
        `(sum(rate(istio_requests_total{${judged},response_code!~"5..",grpc_response_status=~"0|"}[1m])) or vector(0))` +
        ` / sum(rate(istio_requests_total{${judged}}[1m]))`,
      requests: `sum(increase(istio_requests_total{${judged}}[1m]))`,
      ...latency,
    });
  });

  it('app: every call type and routed REST request, Canceled left out, 5xx and non-OK codes failures', () => {
    const grpc = `grpc_server_handled_total{${app},grpc_code!="Canceled"}`;
    const routed = `${rest}_count{${app},route!="",status_code!="499"}`;
    expect(trackQueries('app', { ...scope, track: 'canary' })).toEqual({
      successRate:
        `1 - ((sum(rate(grpc_server_handled_total{${app},grpc_code!~"OK|Canceled"}[1m])) or vector(0))` +
        ` + (sum(rate(${rest}_count{${app},route!="",status_code=~"5.."}[1m])) or vector(0)))` +
        ` / ((sum(rate(${grpc}[1m])) or vector(0)) + (sum(rate(${routed}[1m])) or vector(0)))`,
      requests: `(sum(increase(${grpc}[1m])) or vector(0)) + (sum(increase(${routed}[1m])) or vector(0))`,
      ...latency,
    });
  });

  it("selects a track's version when given: the pods' version label, and Istio's destination_version", () => {
    const v3 = { ...scope, track: 'canary', version: 'v3' } as const;
    const app = trackQueries('app', v3);
    for (const query of [app.successRate, app.requests, app.p99Ms, app.timedCalls]) {
      for (const selector of query.match(/\{[^}]*\}/g) ?? []) {
        expect(selector).toContain('service="device-registry",track="canary",version="v3"');
      }
    }
    const istio = trackQueries('istio', v3);
    for (const query of [istio.successRate, istio.requests]) {
      for (const selector of query.match(/istio_requests_total\{[^}]*\}/g) ?? []) {
        expect(selector).toContain('destination_workload="device-registry-canary",destination_version="v3"');
      }
    }
    expect(istio.requests).toContain('destination_version="v3"');
  });

  it('uses the namespace given, not the service name, for Istio', () => {
    const { requests } = trackQueries('istio', { ...scope, namespace: 'staging', track: 'stable' });
    expect(requests).toContain('destination_workload_namespace="staging"');
    expect(requests).toContain('destination_workload="device-registry-stable"');
  });

  it("reads only series the services export, besides Istio's request counter", async () => {
    const known = new Set([...(await exportedSeries()), 'istio_requests_total']);
    const read = (['istio', 'app'] as const).flatMap((source) =>
      Object.values(trackQueries(source, { ...scope, track: 'canary' })).flatMap(metricNames),
    );
    expect(new Set(read).size).toBe(6);
    expect(read.filter((name) => !known.has(name))).toEqual([]);
  });

  it('says where each figure comes from, and never takes latency from Istio', () => {
    expect(FIGURE_ORIGINS.istio.successRate).toMatch(/^Istio sidecars/);
    expect(FIGURE_ORIGINS.app.successRate).toMatch(/own metrics/);
    for (const origins of Object.values(FIGURE_ORIGINS)) {
      expect(origins.p99Ms).toMatch(/unary gRPC calls .* REST requests other than SSE .*streams left out/);
    }
  });
});
