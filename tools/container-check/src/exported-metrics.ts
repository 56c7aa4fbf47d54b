import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry, serverCallMetrics } from '@iot-mesh/platform';
import { repoPath } from './repo.js';

/** The series a metric of each type produces in the exposition format. */
const SERIES_SUFFIXES: Record<string, string[]> = {
  counter: [''],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

const seriesOf = (name: string, type: string) => (SERIES_SUFFIXES[type] ?? ['']).map((s) => `${name}${s}`);

/** What every service exports: the platform registry (Node defaults) and its gRPC server metrics. */
async function platformSeries(): Promise<string[]> {
  const registry = createMetricsRegistry('container-check');
  serverCallMetrics(registry);
  const metrics = await registry.getMetricsAsJSON();
  registry.clear();
  return metrics.flatMap((metric) => seriesOf(metric.name, String(metric.type)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Domain metrics, read from the services' sources: they are created inside Nest providers, which a
 * test outside the service cannot construct without starting it.
 */
function domainSeries(): string[] {
  const servicesDir = repoPath('services');
  const declared = /new (Counter|Gauge|Histogram|Summary)\b[^(]*\(\s*\{\s*name:\s*'([a-zA-Z_:][\w:]*)'/g;
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => sourceFiles(join(servicesDir, entry.name, 'src')))
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(declared)])
    .flatMap(([, type = '', name = '']) => seriesOf(name, type.toLowerCase()));
}

/** Every series name the services can expose on /metrics. */
export async function exportedSeries(): Promise<Set<string>> {
  return new Set([...(await platformSeries()), ...domainSeries()]);
}
