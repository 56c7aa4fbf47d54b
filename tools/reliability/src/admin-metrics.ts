import { scrapeMetricSum as scrapeSum, scrapeSamples } from '@iot-mesh/platform/testing';

/** One sample of a Prometheus text-format metric from a service's admin port, or undefined. */
export async function scrapeMetric(adminUrl: string, metric: string): Promise<number | undefined> {
  try {
    return (await scrapeSamples(adminUrl, metric))[0]?.value;
  } catch {
    // A frozen or restarting service has no metrics to give; the sampler skips the round.
    return undefined;
  }
}

/** The sum of a metric over all its label sets (e.g. every method's grpc_server_started_total). */
export async function scrapeMetricSum(adminUrl: string, metric: string): Promise<number | undefined> {
  try {
    return await scrapeSum(adminUrl, metric);
  } catch {
    return undefined;
  }
}

/** gRPC calls a service has started but not finished: its pending work. */
export async function grpcCallsInFlight(adminUrl: string): Promise<number | undefined> {
  const [started, handled] = await Promise.all([
    scrapeMetricSum(adminUrl, 'grpc_server_started_total'),
    scrapeMetricSum(adminUrl, 'grpc_server_handled_total'),
  ]);
  return started === undefined || handled === undefined ? undefined : started - handled;
}
