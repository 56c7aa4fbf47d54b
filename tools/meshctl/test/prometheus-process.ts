import { setTimeout as sleep } from 'node:timers/promises';
import { startPrometheusServer, type PrometheusServer } from '@iot-mesh/platform/testing';
export interface ScrapeTarget {
  job: string;
  address: string;
  labels: Record<string, string>;
}

export type PrometheusProcess = PrometheusServer;

/** A real Prometheus scraping `targets` every second. */
export function startPrometheus(targets: readonly ScrapeTarget[]): Promise<PrometheusProcess> {
  return startPrometheusServer(() => ({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: targets.map(({ job, address, labels }) => ({
      job_name: job,
      static_configs: [{ targets: [address], labels }],
    })),
  }));
}

/** Polls until `check` holds, failing with its last description after the timeout. */
export async function eventually(check: () => Promise<string | true>, timeoutMs = 30_000): Promise<void> {
  let last = '';
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(200)) {
    const result = await check();
    if (result === true) return;
    last = result;
  }
  throw new Error(`condition not met within ${timeoutMs} ms: ${last}`);
}
