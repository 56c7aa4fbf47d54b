import { parse } from 'yaml';
import { z } from 'zod';
import { bindMountSources, hostAndPort, parseCompose } from './compose-file.js';
import { DASHBOARD_DIRS, dashboardExpressions, readDashboards } from './dashboards.js';
import { readRules, ruleFiles } from './prometheus-rules.js';
import { exportedSeries } from './exported-metrics.js';
import { metricNames } from './promql.js';
import { existsInRepo, readCatalog, readRepoFile } from './repo.js';

const catalog = readCatalog();
const compose = parseCompose(readRepoFile('docker-compose.yml'));
const readYaml = (path: string): unknown => parse(readRepoFile(path));

/** Where a container path of a compose service is mounted from, relative to the repo root. */
function hostPathOf(service: string, containerPath: string): string | undefined {
  for (const { source, target } of bindMountSources(compose.services[service] ?? {})) {
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return `${source.replace(/^\.\//, '')}${containerPath.slice(target.length)}`;
    }
  }
  return undefined;
}

describe('Prometheus (deploy/compose/prometheus.yml)', () => {
  const config = z
    .object({
      rule_files: z.array(z.string()).default([]),
      scrape_configs: z.array(
        z.object({
          job_name: z.string(),
          metrics_path: z.string().default('/metrics'),
          static_configs: z.array(z.object({ targets: z.array(z.string()) })).default([]),
        }),
      ),
    })
    .parse(readYaml('deploy/compose/prometheus.yml'));

  it('is the file the prometheus service loads', () => {
    expect(hostPathOf('prometheus', '/etc/prometheus/prometheus.yml')).toBe('deploy/compose/prometheus.yml');
  });

  it("loads every rule file of istio/prometheus, so the recorded panels and alerts aren't empty", () => {
    expect(ruleFiles()).toContain('istio/prometheus/rules.yaml');
    const loaded = config.rule_files.map((path) => [path, hostPathOf('prometheus', path) ?? 'not mounted']);
    expect(loaded.filter(([, hostPath = '']) => !existsInRepo(hostPath))).toEqual([]);
    expect(loaded.map(([, hostPath]) => hostPath).sort()).toEqual(ruleFiles().sort());
  });

  it.each(catalog)("scrapes $name's admin port at /metrics", ({ name, adminPort }) => {
    const paths = config.scrape_configs
      .filter((job) => job.static_configs.some((group) => group.targets.includes(`${name}:${adminPort}`)))
      .map((job) => job.metrics_path);
    expect(paths).toEqual(['/metrics']);
  });
});

const datasources = z.object({
  datasources: z.array(z.object({ uid: z.string(), type: z.string(), url: z.string() })),
});
const providers = z.object({
  providers: z.array(z.object({ type: z.literal('file'), options: z.object({ path: z.string() }) })),
});

describe('Grafana (deploy/compose/grafana)', () => {
  const provisioning = hostPathOf('grafana', '/etc/grafana/provisioning') ?? 'not mounted';
  const sources = datasources.parse(readYaml(`${provisioning}/datasources/prometheus.yml`)).datasources;
  const dashboardProviders = providers.parse(readYaml(`${provisioning}/dashboards/iot-mesh.yml`)).providers;
  const [provider] = dashboardProviders;
  const dashboardDir = hostPathOf('grafana', provider?.options.path ?? 'no provider') ?? 'not mounted';
  const dashboard = readDashboards(dashboardDir).find((d) => d.path.endsWith('/iot-mesh-services.json'));
  const targets = dashboard?.panels.flatMap((panel) => panel.targets) ?? [];
  const expressions = dashboard ? dashboardExpressions(dashboard) : [];
  const recorded = new Set(readRules().flatMap((rule) => rule.record ?? []));

  it('loads every dashboard folder the dashboard checks read (dashboards.ts), and only those', () => {
    const folders = dashboardProviders.map((p) => hostPathOf('grafana', p.options.path) ?? 'not mounted');
    expect(folders.sort()).toEqual([...DASHBOARD_DIRS].sort());
  });

  it("points its datasource at the compose stack's Prometheus", () => {
    const prometheus = sources.find((source) => source.type === 'prometheus');
    expect(hostAndPort(prometheus?.url ?? '')).toEqual({ host: 'prometheus', port: 9090 });
    expect(compose.services['prometheus']?.image).toMatch(/^prom\/prometheus:/);
    expect(targets.filter((t) => t.datasource && t.datasource.uid !== prometheus?.uid)).toEqual([]);
  });

  it('loads the dashboard from a mounted repo folder', () => {
    expect(existsInRepo(dashboardDir)).toBe(true);
    expect(dashboard?.title).toBe('iot-mesh services');
    expect(compose.services['grafana']?.image).toMatch(/^grafana\/grafana:/);
  });

  it('queries only series the services export, or that the rules record', async () => {
    const exported = await exportedSeries();
    const unknown = expressions
      .flatMap(metricNames)
      .filter((name) => !exported.has(name) && !recorded.has(name));
    expect(unknown).toEqual([]);
  });

  it('has the panels operators need', () => {
    const uses = (pattern: RegExp) => expressions.some((expr) => pattern.test(expr));
    expect(uses(/sum by \(service, grpc_code\) \(rate\(grpc_server_handled_total\b/)).toBe(true);
    // The gateway's REST requests beside the gRPC calls, for the service selected: its traffic may be REST only.
    expect(uses(/\(rate\(http_server_request_duration_seconds_count\{service=~"\$service",route!=""\}/)).toBe(
      true,
    );
    expect(uses(/^service:http_errors:ratio_rate5m\{service=~"\$service"\}$/)).toBe(true);
    // The recorded ratio, judged as canary analysis judges calls (client cancellations are neither
    // failures nor calls), and 0 rather than absent for a service without failures.
    expect(uses(/^service:grpc_errors:ratio_rate5m\{/)).toBe(true);
    expect(uses(/grpc_server_handled_total\{[^}]*grpc_code!="OK"/)).toBe(false);
    for (const quantile of ['0.5', '0.99']) {
      expect(
        uses(
          new RegExp(
            `histogram_quantile\\(${quantile}, .*grpc_server_handling_seconds_bucket\\{[^}]*grpc_type="unary"`,
          ),
        ),
      ).toBe(true);
      expect(
        uses(new RegExp(`histogram_quantile\\(${quantile}, .*http_server_request_duration_seconds_bucket`)),
      ).toBe(true);
    }
    for (const metric of ['ingestion_readings_accepted_total', 'ingestion_readings_rejected_total']) {
      expect([metric, uses(new RegExp(`\\b${metric}\\b`))]).toEqual([metric, true]);
    }
    expect(uses(/\bprocess_resident_memory_bytes\b/)).toBe(true);
  });
});
