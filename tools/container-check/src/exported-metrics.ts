import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTIFICATE_EXPIRY_METRIC, createMetricsRegistry, serverCallMetrics } from '@iot-mesh/platform';
import { repoPath } from './repo.js';

/** A metric as it is declared: its name and prom-client type (`counter`, `histogram`, ...). */
export interface DeclaredMetric {
  name: string;
  type: string;
}

/** The series a metric of each type produces in the exposition format. */
const SERIES_SUFFIXES: Record<string, string[]> = {
  counter: [''],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

const seriesOf = ({ name, type }: DeclaredMetric) =>
  (SERIES_SUFFIXES[type] ?? ['']).map((s) => `${name}${s}`);

/** The metrics of a platform registry: prom-client's Node.js defaults, and the gRPC server metrics if asked. */
async function registryMetrics(withServerCalls: boolean): Promise<DeclaredMetric[]> {
  const registry = createMetricsRegistry('container-check');
  if (withServerCalls) serverCallMetrics(registry);
  const metrics = await registry.getMetricsAsJSON();
  registry.clear();
  return metrics.map((metric) => ({ name: metric.name, type: String(metric.type) }));
}

/** prom-client's Node.js default metrics (`process_*`, `nodejs_*`), which every service exports. */
export const nodeDefaultMetrics = () => registryMetrics(false);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The platform's helpers that declare a metric under a name their caller gives (as first string
 * argument after the registry), with the metric's type. `platformMetricHelpers` checks that no other
 * platform code declares one under a name it does not spell out.
 */
export const PLATFORM_METRIC_HELPERS: Readonly<Record<string, string>> = { flowControlledWriters: 'gauge' };

const literalDeclaration =
  /new (Counter|Gauge|Histogram|Summary)\b[^(]*\(\s*\{\s*name:\s*'([a-zA-Z_:][\w:]*)'/g;
const helperDeclaration = new RegExp(
  `\\b(${Object.keys(PLATFORM_METRIC_HELPERS).join('|')})\\(\\s*[\\w.]+,\\s*'([a-zA-Z_:][\\w:]*)'`,
  'g',
);

/** The metrics a source file declares: by prom-client's constructors, or through a platform helper. */
function metricsDeclaredIn(source: string): DeclaredMetric[] {
  return [
    ...[...source.matchAll(literalDeclaration)].map(([, type = '', name = '']) => ({
      name,
      type: type.toLowerCase(),
    })),
    ...[...source.matchAll(helperDeclaration)].map(([, helper = '', name = '']) => ({
      name,
      type: PLATFORM_METRIC_HELPERS[helper] ?? '',
    })),
  ];
}

/**
 * Domain metrics, read from the services' sources: they are created inside Nest providers, which a
 * test outside the service cannot construct without starting it.
 */
function domainMetrics(): DeclaredMetric[] {
  const servicesDir = repoPath('services');
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => sourceFiles(join(servicesDir, entry.name, 'src')))
    .flatMap((file) => metricsDeclaredIn(readFileSync(file, 'utf8')));
}

/**
 * The functions of the platform's sources that construct a metric whose name is not a literal: each
 * must be one of PLATFORM_METRIC_HELPERS, or the services' metrics made through it would go unseen.
 * (The gRPC server metrics and the certificate gauge spell their names out.)
 */
export function platformMetricHelpers(): string[] {
  const byName =
    /export function (\w+)\((?:(?!export function)[^])*?new (?:Counter|Gauge|Histogram|Summary)\b[^(]*\(\s*\{\s*name(?:\s*:\s*[\w.]+)?\s*[,}]/g;
  return sourceFiles(repoPath('libs/platform/src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(byName)].map(([, helper = '']) => helper),
  );
}

/**
 * The services' own metrics, all but Node's defaults: the platform's gRPC server metrics and TLS
 * certificate gauge, and every service's domain metrics.
 */
export async function ownMetrics(): Promise<DeclaredMetric[]> {
  const defaults = new Set((await nodeDefaultMetrics()).map((metric) => metric.name));
  return [
    ...(await registryMetrics(true)).filter((metric) => !defaults.has(metric.name)),
    { name: CERTIFICATE_EXPIRY_METRIC, type: 'gauge' },
    ...domainMetrics(),
  ];
}

/**
 * Every series name the services can expose on /metrics, but the TLS certificate gauge, which only a
 * service with a certificate exports.
 */
export async function exportedSeries(): Promise<Set<string>> {
  return new Set([...(await registryMetrics(true)), ...domainMetrics()].flatMap(seriesOf));
}

/** The metric a series belongs to: a histogram's `_bucket`, `_sum` and `_count` are its own. */
export const metricOfSeries = (series: string, metrics: readonly DeclaredMetric[]): string | undefined =>
  metrics.find((metric) => seriesOf(metric).includes(series))?.name;
