import { PrometheusError, type PrometheusClient } from './prometheus-client.js';
import { FIGURE_ORIGINS, trackQueries, type FigureOrigins } from './promql-templates.js';
import type { MetricSource, Track } from './query-scope.js';
import { decide, type Decision, type Thresholds, type TrackMetrics } from './verdict.js';

export interface AnalysisRequest {
  service: string;
  namespace: string;
  source: MetricSource;
  window: string;
  /** Each track's image tag (stable's unknown in a dry run): the calls of other versions never count. */
  versions: { canary: string; stable?: string };
  thresholds: Thresholds;
}

export interface AnalysisResult extends Decision {
  service: string;
  source: MetricSource;
  window: string;
  /** The metrics each figure was read from: latency never comes from Istio. */
  origins: FigureOrigins;
  canary: TrackMetrics;
  stable: TrackMetrics;
}

async function measure(
  prometheus: PrometheusClient,
  request: AnalysisRequest,
  track: Track,
): Promise<TrackMetrics> {
  const queries = trackQueries(request.source, { ...request, track, version: request.versions[track] });
  const names = ['successRate', 'requests', 'p99Ms', 'timedCalls'] as const;
  const values = await Promise.all(names.map((name) => prometheus.scalar(queries[name])));
  // Only the figures Prometheus had: an absent one is unknown, never zero.
  return Object.fromEntries(names.flatMap((name, i) => (values[i] === undefined ? [] : [[name, values[i]]])));
}

/** Measures both tracks and decides; an unreachable Prometheus is no-data, never a pass. */
export async function analyzeCanary(
  prometheus: PrometheusClient,
  request: AnalysisRequest,
): Promise<AnalysisResult> {
  const base = {
    service: request.service,
    source: request.source,
    window: request.window,
    origins: FIGURE_ORIGINS[request.source],
  };
  try {
    const [canary, stable] = await Promise.all([
      measure(prometheus, request, 'canary'),
      measure(prometheus, request, 'stable'),
    ]);
    return { ...base, canary, stable, ...decide(canary, stable, request.thresholds) };
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    return { ...base, canary: {}, stable: {}, verdict: 'no-data', reasons: [error.message] };
  }
}
