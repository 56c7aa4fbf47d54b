/** The samples of a Prometheus text-format metric on a service's admin port: each one's label text and value. */
export async function scrapeSamples(
  adminUrl: string,
  metric: string,
): Promise<{ labels: string; value: number }[]> {
  const response = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith(`${metric} `) || line.startsWith(`${metric}{`))
    .map((line) => ({
      labels: line.slice(metric.length, line.lastIndexOf(' ')),
      value: Number(line.slice(line.lastIndexOf(' ') + 1)),
    }));
}

/** The sum of a metric over its label sets whose label text contains `labelsPart` (all of them by default). */
export async function scrapeMetricSum(adminUrl: string, metric: string, labelsPart = ''): Promise<number> {
  return (await scrapeSamples(adminUrl, metric))
    .filter((sample) => sample.labels.includes(labelsPart))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** A Prometheus histogram's cumulative counts by bucket upper bound (`le`, Infinity for +Inf), ascending. */
export type HistogramBuckets = ReadonlyArray<{ le: number; count: number }>;

/** The buckets of a histogram metric (e.g. grpc_server_handling_seconds), summed over the label sets whose label text contains `labelsPart`. */
export async function scrapeHistogram(
  adminUrl: string,
  metric: string,
  labelsPart = '',
): Promise<HistogramBuckets> {
  const counts = new Map<number, number>();
  for (const { labels, value } of await scrapeSamples(adminUrl, `${metric}_bucket`)) {
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    if (le === undefined || !labels.includes(labelsPart)) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    counts.set(bound, (counts.get(bound) ?? 0) + value);
  }
  return [...counts].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(after: HistogramBuckets, before: HistogramBuckets): HistogramBuckets {
  const earlier = new Map(before.map(({ le, count }) => [le, count]));
  return after.map(({ le, count }) => ({ le, count: count - (earlier.get(le) ?? 0) }));
}

/**
 * The q-quantile (0..1) as Prometheus's histogram_quantile estimates it: linearly within the bucket
 * that holds the rank, from 0 for the first bucket; the highest finite bound when the rank falls in
 * +Inf. NaN when nothing was observed.
 */
export function histogramQuantile(buckets: HistogramBuckets, q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return count === below ? le : lower + ((le - lower) * (rank - below)) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}
