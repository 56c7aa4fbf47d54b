import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort, startOnPickedPorts } from './free-port.js';

/** One sample of an instant query. */
export interface PrometheusSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  url: string;
  /** The samples of an instant query. */
  query(promql: string): Promise<PrometheusSample[]>;
  /** What Grafana's label_values(match, label) asks of its Prometheus data source. */
  labelValues(label: string, match: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (the Debian package's server) on a loopback port, with the configuration that
 * `configFor` gives for the address it listens on (for a job that scrapes Prometheus itself). The
 * configuration is written as JSON, which Prometheus reads as the YAML it is.
 */
export async function startPrometheusServer(configFor: (self: string) => object): Promise<PrometheusServer> {
  return startOnPickedPorts(
    async () => startOnce(configFor, await freePort()),
    (error) => error instanceof Error && /address already in use/i.test(error.message),
  );
}

async function startOnce(configFor: (self: string) => object, port: number): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const self = `127.0.0.1:${port}`;
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(configFor(self)));
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${self}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      stderr += error.message;
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`http://${self}/api/v1/${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  // Resolves at once when the process has exited (a port taken meanwhile, a bad configuration).
  const outcome = await eventually(async () => {
    if (child.exitCode !== null) return 'exited';
    const ready = await fetch(`http://${self}/-/ready`).then((r) => r.ok);
    // Another process on the port could answer too: this one must still be running.
    return ready && child.exitCode === null ? 'ready' : undefined;
  }, 'prometheus to be ready').catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (outcome === 'exited') {
    await stop();
    throw new Error(`prometheus exited:\n${stderr}`);
  }
  return {
    url: `http://${self}`,
    query: async (promql) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `query?query=${encodeURIComponent(promql)}`,
        )
      ).result.map(({ metric, value }) => ({ metric, value: Number(value[1]) })),
    labelValues: (label, match) =>
      api<string[]>(`label/${encodeURIComponent(label)}/values?match[]=${encodeURIComponent(match)}`),
    stop,
  };
}
