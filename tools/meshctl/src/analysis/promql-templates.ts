import { appLatencyQueries, appOutcomeQueries } from './app-metric-queries.js';
import { istioOutcomeQueries } from './istio-metric-queries.js';
import type { MetricSource, QueryScope, TrackQueries } from './query-scope.js';

export type { MetricSource, QueryScope, Track, TrackQueries } from './query-scope.js';

/** Where each figure of an analysis comes from, printed with it. */
export interface FigureOrigins {
  successRate: string;
  p99Ms: string;
}

/**
 * Latency always comes from the services' own histograms: Istio's have no method or call-type label,
 * so a stream's whole life would count as one request's duration there.
 */
const LATENCY_ORIGIN =
  "the service's unary gRPC calls (grpc_server_handling_seconds) and REST requests other than SSE " +
  '(http_server_request_duration_seconds); streams left out';

export const FIGURE_ORIGINS: Record<MetricSource, FigureOrigins> = {
  istio: {
    successRate:
      'Istio sidecars (istio_requests_total, reporter=destination), every call, a stream once when it ends; ' +
      'calls the client reset (flags DR, DC) left out',
    p99Ms: LATENCY_ORIGIN,
  },
  app: {
    successRate:
      "the service's own metrics (grpc_server_handled_total, REST request counts), every call, a stream once " +
      'when it ends; calls the client cancelled (Canceled) left out',
    p99Ms: LATENCY_ORIGIN,
  },
};

export function trackQueries(source: MetricSource, scope: QueryScope): TrackQueries {
  const outcomes = source === 'istio' ? istioOutcomeQueries(scope) : appOutcomeQueries(scope);
  return { ...outcomes, ...appLatencyQueries(scope) };
}
