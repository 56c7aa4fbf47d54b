import { PrometheusError, type PrometheusClient } from './prometheus-client.js';
import { trackQueries, type MetricSource, type Track } from './promql-templates.js';
import { decide, type Decision, type Thresholds, type TrackMetrics } from './verdict.js';

export interface AnalysisRequest {
  service: string;
  namespace: string;
  source: MetricSource;
  window: string;
  thresholds: Thresholds;
}

export interface AnalysisResult extends Decision {
  service: string;
  source: MetricSource;
  window: string;
  canary: TrackMetrics;
  stable: TrackMetrics;
}

async function measure(
  prometheus: PrometheusClient,
  request: AnalysisRequest,
  track: Track,
): Promise<TrackMetrics> {
  const queries = trackQueries(request.source, { ...request, track });
  const [successRate, p99Ms, requests] = await Promise.all([
    prometheus.scalar(queries.successRate),
    prometheus.scalar(queries.p99Ms),
    prometheus.scalar(queries.requests),
  ]);
  return {
    ...(successRate === undefined ? {} : { successRate }),
    ...(p99Ms === undefined ? {} : { p99Ms }),
    ...(requests === undefined ? {} : { requests }),
  };
}

/** Measures both tracks and decides; an unreachable Prometheus is no-data, never a pass. */
export async function analyzeCanary(
  prometheus: PrometheusClient,
  request: AnalysisRequest,
): Promise<AnalysisResult> {
  const base = { service: request.service, source: request.source, window: request.window };
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
