/** Where success rate and request count come from: Istio's sidecars in the cluster, or the services' own metrics. */
export type MetricSource = 'istio' | 'app';
export type Track = 'stable' | 'canary';

export interface QueryScope {
  service: string;
  namespace: string;
  track: Track;
  /**
   * The track's image tag, its pods' `version` label: a previous canary's calls in the window then never
   * count for the next one. Unset only where it is not known (stable in a dry run): the track alone.
   */
  version?: string;
  /** A PromQL range, e.g. 1m. */
  window: string;
}

/** How one track succeeds: every call, streams included; a call its client cancelled is left out. */
export interface OutcomeQueries {
  /** Fraction 0..1 of the calls judged that succeeded; a non-OK gRPC status is a failure even with HTTP 200. */
  successRate: string;
  /** Calls judged in the window (a stream counts once, in the window it ends in). */
  requests: string;
}

/** How fast one track answers, from calls whose duration is a response time: unary gRPC and REST. */
export interface LatencyQueries {
  /** 99th percentile latency in milliseconds. */
  p99Ms: string;
  /** The calls the p99 is taken from. */
  timedCalls: string;
}

export type TrackQueries = OutcomeQueries & LatencyQueries;
