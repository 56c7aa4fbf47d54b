import {
  histogramDelta,
  histogramQuantile,
  scrapeHistogram,
  type HistogramBuckets,
} from '@iot-mesh/platform/testing';

/** One step of a reading's way, as a service's own latency histogram records it. */
export interface Hop {
  name: string;
  service: string;
  histogram: string;
  /** Picks the step's series out of the histogram's label sets. */
  labels: string;
}

const grpcHop = (service: string, method: string): Hop => ({
  name: method,
  service,
  histogram: 'grpc_server_handling_seconds',
  labels: `grpc_method="${method}"`,
});

/** The internal calls a reading passes through after the gateway, each served by its own service. */
export const PIPELINE_HOPS: readonly Hop[] = [
  grpcHop('sensor-ingestion', 'IngestBatch'),
  grpcHop('data-processor', 'ProcessReadings'),
  grpcHop('alert-manager', 'EvaluateReadings'),
];

/** A single reading over REST, from the gateway's arrival to its answer. */
export const REST_READING_HOP: Hop = {
  name: 'POST /api/v1/readings',
  service: 'edge-gateway',
  histogram: 'http_server_request_duration_seconds',
  labels: 'route="/api/v1/readings",status_code="200"',
};

/** One step's calls over a measured stretch, as its server timed them. */
export interface HopLatency {
  name: string;
  /** Over the time from start to stop, which takes in the load run's drain. */
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Where a load run's time goes: takes the services' latency histograms when `start` is called and
 * again when `stop` is, and estimates each hop's percentiles from the difference (as Prometheus's
 * histogram_quantile would, so to within a bucket's width).
 */
export function hopLatencyRecorder(adminUrlOf: (service: string) => string, hops: readonly Hop[]) {
  const scrape = () =>
    Promise.all(hops.map((hop) => scrapeHistogram(adminUrlOf(hop.service), hop.histogram, hop.labels)));
  let before: HistogramBuckets[] = [];
  let startedAt = 0;
  return {
    start: async () => {
      before = await scrape();
      startedAt = performance.now();
    },
    stop: async (): Promise<HopLatency[]> => {
      const seconds = (performance.now() - startedAt) / 1000;
      const after = await scrape();
      return hops.map(({ name }, index) => {
        const observed = histogramDelta(after[index] ?? [], before[index] ?? []);
        return {
          name,
          callsPerSecond: (observed.at(-1)?.count ?? 0) / seconds,
          p50Ms: histogramQuantile(observed, 0.5) * 1000,
          p99Ms: histogramQuantile(observed, 0.99) * 1000,
        };
      });
    },
  };
}
