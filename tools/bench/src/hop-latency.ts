import {
  histogramDelta,
  histogramQuantile,
  scrapeHistogram,
  type HistogramBuckets,
} from '@iot-mesh/platform/testing';

/** The internal calls a reading passes through after the gateway, each served by its own service. */
export const PIPELINE_HOPS = [
  { service: 'sensor-ingestion', method: 'IngestBatch' },
  { service: 'data-processor', method: 'ProcessReadings' },
  { service: 'alert-manager', method: 'EvaluateReadings' },
] as const;

/** One hop's calls over a measured stretch, as its server timed them (grpc_server_handling_seconds). */
export interface HopLatency {
  method: string;
  /** Over the time from start to stop, which takes in the load run's drain. */
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

type AdminUrlOf = (service: string) => string;

const handling = (adminUrlOf: AdminUrlOf) =>
  Promise.all(
    PIPELINE_HOPS.map(({ service, method }) =>
      scrapeHistogram(adminUrlOf(service), 'grpc_server_handling_seconds', `grpc_method="${method}"`),
    ),
  );

/**
 * Where a load run's time goes inside the pipeline: takes the services' handling-time histograms when
 * `start` is called and again when `stop` is, and estimates each hop's percentiles from the difference
 * (as Prometheus's histogram_quantile would, so within a bucket's width).
 */
export function hopLatencyRecorder(adminUrlOf: AdminUrlOf) {
  let before: HistogramBuckets[] = [];
  let startedAt = 0;
  return {
    start: async () => {
      before = await handling(adminUrlOf);
      startedAt = performance.now();
    },
    stop: async (): Promise<HopLatency[]> => {
      const seconds = (performance.now() - startedAt) / 1000;
      const after = await handling(adminUrlOf);
      return PIPELINE_HOPS.map(({ method }, index) => {
        const observed = histogramDelta(after[index], before[index] ?? []);
        return {
          method,
          callsPerSecond: (observed.at(-1)?.count ?? 0) / seconds,
          p50Ms: histogramQuantile(observed, 0.5) * 1000,
          p99Ms: histogramQuantile(observed, 0.99) * 1000,
        };
      });
    },
  };
}
