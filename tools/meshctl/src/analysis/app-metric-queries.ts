import type { LatencyQueries, OutcomeQueries, QueryScope } from './query-scope.js';

// App metrics carry the service's own `service` label and the scrape's `track` and `version` labels (pod labels).
const appSelector = ({ service, track, version }: QueryScope) =>
  `service="${service}",track="${track}"${version === undefined ? '' : `,version="${version}"`}`;

/**
 * The platform writes gRPC codes as go-grpc-prometheus names them. "Canceled" is a call its client
 * cancelled (a cancel at the caller's deadline is recorded as DeadlineExceeded instead), which says
 * nothing about the server: watchers hanging up on WatchAlerts end that way every time.
 */
const CLIENT_CANCELLED = 'Canceled';

/**
 * The gateway's REST histogram (edge-gateway's request-metrics.ts) has the gRPC histogram's buckets, so
 * the two sum by `le`. Requests that matched no route (404s) are left out, as on the dashboards; the SSE
 * route's duration is a subscription's whole life, so it is left out of latency only.
 */
const REST = 'http_server_request_duration_seconds';
const SSE_ROUTE = '/api/v1/alerts/stream';

// Without a series (no REST in most services, no failures), a sum is 0 rather than absent.
const sumOr0 = (fn: 'rate' | 'increase', series: string, window: string) =>
  `(sum(${fn}(${series}[${window}])) or vector(0))`;

/** Every gRPC call type and every routed REST request; a stream counts once, when it ends. */
export function appOutcomeQueries(scope: QueryScope): OutcomeQueries {
  const sel = appSelector(scope);
  const w = scope.window;
  const grpcJudged = `grpc_server_handled_total{${sel},grpc_code!="${CLIENT_CANCELLED}"}`;
  const grpcFailed = `grpc_server_handled_total{${sel},grpc_code!~"OK|${CLIENT_CANCELLED}"}`;
  const restJudged = `${REST}_count{${sel},route!="",status_code!="499"}`;
  const restFailed = `${REST}_count{${sel},route!="",status_code=~"5.."}`;
  return {
    // No call judged at all is 0 / 0: NaN, which analysis reads as no data.
    successRate:
      `1 - (${sumOr0('rate', grpcFailed, w)} + ${sumOr0('rate', restFailed, w)})` +
      ` / (${sumOr0('rate', grpcJudged, w)} + ${sumOr0('rate', restJudged, w)})`,
    requests: `${sumOr0('increase', grpcJudged, w)} + ${sumOr0('increase', restJudged, w)}`,
  };
}

/**
 * Unary gRPC calls and REST requests other than SSE: a stream's duration is how long its client kept it
 * open (a ten-minute PublishReadings stream would be a 600 s "call"), not how fast the service answers.
 */
export function appLatencyQueries(scope: QueryScope): LatencyQueries {
  const sel = appSelector(scope);
  const w = scope.window;
  const unary = (suffix: string) => `grpc_server_handling_seconds_${suffix}{${sel},grpc_type="unary"}`;
  const rest = (suffix: string) => `${REST}_${suffix}{${sel},route!="",route!="${SSE_ROUTE}"}`;
  return {
    // The two histograms have different labels, so `or` keeps every bucket series of both.
    p99Ms: `histogram_quantile(0.99, sum by (le) (rate(${unary('bucket')}[${w}]) or rate(${rest('bucket')}[${w}]))) * 1000`,
    timedCalls: `${sumOr0('increase', unary('count'), w)} + ${sumOr0('increase', rest('count'), w)}`,
  };
}
