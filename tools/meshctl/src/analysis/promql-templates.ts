/** Which metrics analysis reads: Istio's sidecar metrics in the cluster, the services' own outside it. */
export type MetricSource = 'istio' | 'app';
export type Track = 'stable' | 'canary';

export interface QueryScope {
  service: string;
  namespace: string;
  track: Track;
  /** A PromQL range, e.g. 1m. */
  window: string;
}

export interface TrackQueries {
  /** Fraction 0..1 of calls that succeeded; a non-OK gRPC status is a failure even with HTTP 200. */
  successRate: string;
  /** 99th percentile latency in milliseconds. */
  p99Ms: string;
  /** Calls in the window. */
  requests: string;
}

// Istio: the server-side sidecar's view (reporter="destination") of one track's Deployment.
function istioSelector({ service, namespace, track }: QueryScope): string {
  return `reporter="destination",destination_workload_namespace="${namespace}",destination_workload="${service}-${track}"`;
}

// App metrics carry the service's own `service` label and the scrape's `track` label.
const appSelector = ({ service, track }: QueryScope) => `service="${service}",track="${track}"`;

/**
 * Istio records grpc_response_status ("0" is OK; absent for plain HTTP), so a call counts as
 * successful only when both the HTTP code is not 5xx and the gRPC status is OK or absent.
 * `or vector(0)` keeps a track that failed every call from looking like one without data.
 */
function istioQueries(scope: QueryScope): TrackQueries {
  const sel = istioSelector(scope);
  const w = scope.window;
  return {
    successRate:
      `(sum(rate(istio_requests_total{${sel},response_code!~"5..",grpc_response_status=~"0|"}[${w}])) or vector(0))` +
      ` / sum(rate(istio_requests_total{${sel}}[${w}]))`,
    p99Ms: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}[${w}])))`,
    requests: `sum(increase(istio_requests_total{${sel}}[${w}]))`,
  };
}

function appQueries(scope: QueryScope): TrackQueries {
  const sel = appSelector(scope);
  const w = scope.window;
  return {
    successRate:
      `1 - ((sum(rate(grpc_server_handled_total{${sel},grpc_code!="OK"}[${w}])) or vector(0))` +
      ` / sum(rate(grpc_server_handled_total{${sel}}[${w}])))`,
    p99Ms: `histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket{${sel}}[${w}]))) * 1000`,
    requests: `sum(increase(grpc_server_handled_total{${sel}}[${w}]))`,
  };
}

export function trackQueries(source: MetricSource, scope: QueryScope): TrackQueries {
  return source === 'istio' ? istioQueries(scope) : appQueries(scope);
}
