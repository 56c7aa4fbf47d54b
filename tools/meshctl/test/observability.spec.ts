import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricNames } from '@iot-mesh/container-check';
import { parse } from 'yaml';
import { exportedSeries } from '@iot-mesh/container-check';
import { REPO_ROOT } from '../src/release/validation.js';

const RULES = join(REPO_ROOT, 'istio/prometheus/rules.yaml');
const DASHBOARDS = join(REPO_ROOT, 'istio/dashboards');
// The Istio standard metrics the dashboards use, and the series Prometheus itself makes.
const ISTIO = ['istio_requests_total', 'istio_request_duration_milliseconds_bucket'];
const PROMETHEUS_BUILTIN = ['ALERTS'];

type Rule = { record?: string; alert?: string; expr: string };
const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const dashboards = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    ...(JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as {
      title: string;
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { definition?: string }[] };
    }),
  }));

describe('Prometheus rules', () => {
  it('pass promtool check and their unit tests', () => {
    const tests = readdirSync(join(REPO_ROOT, 'istio/prometheus/tests')).map((f) => `tests/${f}`);
    const cwd = join(REPO_ROOT, 'istio/prometheus');
    expect(execFileSync('promtool', ['check', 'rules', 'rules.yaml'], { cwd, encoding: 'utf8' })).toMatch(
      /SUCCESS: 8 rules/,
    );
    // promtool exits non-zero when any test fails, which makes execFileSync throw.
    expect(() => execFileSync('promtool', ['test', 'rules', ...tests], { cwd, stdio: 'pipe' })).not.toThrow();
  });

  it('alert on what the issue asks for', () => {
    expect(rules.flatMap((r) => r.alert ?? [])).toEqual([
      'GrpcHighErrorRatio',
      'GrpcHighLatencyP99',
      'TelemetryPipelineStalled',
      'CanaryWorseThanStable',
    ]);
  });
});

describe('dashboards and rules reference only metrics that exist', () => {
  it('every metric is exported by a service, an Istio standard metric or a recording rule', async () => {
    const known = new Set([
      ...(await exportedSeries()),
      ...ISTIO,
      ...PROMETHEUS_BUILTIN,
      ...rules.flatMap((r) => r.record ?? []),
    ]);
    const expressions = [
      ...rules.map((r) => r.expr),
      ...dashboards.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => t.expr))),
      ...dashboards.flatMap((d) =>
        d.templating.list.flatMap((v) => v.definition?.replace(/^label_values\((.*),\s*\w+\)$/, '$1') ?? []),
      ),
    ];
    expect(expressions.length).toBeGreaterThan(20);
    expect(expressions.flatMap(metricNames).filter((name) => !known.has(name))).toEqual([]);
  });

  it('cover RED with gRPC codes and quantiles, canary vs stable, the pipeline and the mesh', () => {
    const exprs = (file: string) =>
      dashboards.find((d) => d.file === file)?.panels.flatMap((p) => p.targets.map((t) => t.expr)) ?? [];
    expect(exprs('service-red.json').join('\n')).toMatch(
      /sum by \(grpc_code\)[\s\S]*histogram_quantile\(0\.5,[\s\S]*histogram_quantile\(0\.99,/,
    );
    expect(exprs('canary.json').filter((e) => e.includes('track="canary"'))).toHaveLength(3);
    expect(exprs('canary.json').filter((e) => e.includes('track="stable"'))).toHaveLength(3);
    expect(exprs('telemetry-pipeline.json').join('\n')).toMatch(
      /ingestion_readings_rejected_total[\s\S]*ALERTS[\s\S]*edge_gateway_publish_batches_pending[\s\S]*histogram_quantile\(0\.99, .*http_server_request_duration_seconds_bucket/,
    );
    expect(exprs('mesh.json').join('\n')).toMatch(/source_workload, destination_workload/);
  });
});
