import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startOnPickedPorts } from '@iot-mesh/platform/testing';
import { stringify } from 'yaml';

export interface ScrapeTarget {
  job: string;
  address: string;
  labels: Record<string, string>;
}

export interface PrometheusProcess {
  url: string;
  /** The samples of an instant query, as { labels, value }. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/** A real Prometheus (the Debian package) in a temp dir, scraping every second. */
export async function startPrometheus(targets: readonly ScrapeTarget[]): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'meshctl-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: targets.map(({ job, address, labels }) => ({
        job_name: job,
        static_configs: [{ targets: [address], labels }],
      })),
    }),
  );
  try {
    return await startOnPickedPorts(
      () => startOnce(dir),
      (error) => error instanceof Error && /address already in use/i.test(error.message),
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One Prometheus on a freshly picked port, once it is ready. */
async function startOnce(dir: string): Promise<PrometheusProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, `data-${port}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const query = async (promql: string) => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (const until = Date.now() + 20_000; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    // Another process's server on the port could answer too; this one must still be running.
    if (ready && child.exitCode === null) break;
    if (Date.now() > until) {
      child.kill('SIGTERM');
      await exited;
      throw new Error(`prometheus not ready:\n${stderr}`);
    }
  }
  return { url, query, stop };
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
