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
