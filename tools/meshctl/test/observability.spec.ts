import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { dashboardExpressions, exportedSeries, metricNames, readDashboards } from '@iot-mesh/container-check';
import { CERTIFICATE_EXPIRY_METRIC, grpcCodeName } from '@iot-mesh/platform';
import { parse } from 'yaml';
import { trackQueries } from '../src/analysis/promql-templates.js';
import { REPO_ROOT } from '../src/release/validation.js';

const RULES = join(REPO_ROOT, 'istio/prometheus/rules.yaml');
// The Istio standard metrics the dashboards use, and the series Prometheus itself makes.
const ISTIO = ['istio_requests_total', 'istio_request_duration_milliseconds_bucket'];
const PROMETHEUS_BUILTIN = ['ALERTS', 'up'];

type Rule = { record?: string; alert?: string; expr: string };
const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const dashboards = readDashboards('istio/dashboards').map((d) => ({ ...d, file: basename(d.path) }));

describe('Prometheus rules', () => {
  it('pass promtool check and their unit tests', () => {
    const tests = readdirSync(join(REPO_ROOT, 'istio/prometheus/tests')).map((f) => `tests/${f}`);
    const cwd = join(REPO_ROOT, 'istio/prometheus');
    expect(execFileSync('promtool', ['check', 'rules', 'rules.yaml'], { cwd, encoding: 'utf8' })).toMatch(
      /SUCCESS: 16 rules/,
    );
    // promtool exits non-zero when any test fails, which makes execFileSync throw.
    expect(() => execFileSync('promtool', ['test', 'rules', ...tests], { cwd, stdio: 'pipe' })).not.toThrow();
  });

  it('alert on what the issue asks for', () => {
    expect(rules.flatMap((r) => r.alert ?? [])).toEqual([
      'GrpcHighErrorRatio',
      'RestHighErrorRatio',
      'GrpcHighLatencyP99',
      'TelemetryPipelineStalled',
      'ServiceDown',
      'ServiceInstanceDown',
      'RateLimitBackendDown',
      'CanaryWorseThanStable',
      'TlsCertificateExpiringSoon',
      'TlsCertificateExpired',
    ]);
  });

  it("page on the gRPC codes the platform's server spans mark as the server's own errors", () => {
    const span = readFileSync(join(REPO_ROOT, 'libs/platform/src/observability/grpc-span.ts'), 'utf8');
    const serverErrors = /const SERVER_ERRORS\b[^=]*=\s*new Set\(\[([^\]]*)\]\)/.exec(span)?.[1] ?? '';
    const spanCodes = [...serverErrors.matchAll(/GrpcStatus\.([A-Z_]+)/g)].map(([, name = '']) =>
      grpcCodeName(GrpcStatus[name as keyof typeof GrpcStatus]),
    );
    const ratio = rules.find((r) => r.record === 'service:grpc_server_errors:ratio_rate5m')?.expr ?? '';
    const ruleCodes = /grpc_code=~"([^"]+)"/.exec(ratio)?.[1]?.split('|') ?? [];
    expect(spanCodes).toHaveLength(6);
    expect(ruleCodes.sort()).toEqual(spanCodes.sort());
    expect(rules.find((r) => r.alert === 'GrpcHighErrorRatio')?.expr).toMatch(
      /^service:grpc_server_errors:ratio_rate5m > /,
    );
  });

  it('watch every catalog service, and only those, for being down', () => {
    const catalog = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'services/catalog.json'), 'utf8')) as {
        services: { name: string }[];
      }
    ).services
      .map((s) => s.name)
      .sort();
    const exprOf = (alert: string) => rules.find((r) => r.alert === alert)?.expr ?? '';
    const absent = [
      ...exprOf('ServiceDown').matchAll(/absent\(process_start_time_seconds\{service="([^"]+)"\}\)/g),
    ];
    expect(absent.map(([, name]) => name).sort()).toEqual(catalog);
    const targets = [...exprOf('ServiceInstanceDown').matchAll(/up\{(?:app|service)=~"([^"]+)"\}/g)];
    expect(targets.map(([, names = '']) => names.split('|').sort())).toEqual([catalog, catalog]);
  });
});

describe('dashboards and rules reference only metrics that exist', () => {
  it('every metric is exported by a service, an Istio standard metric or a recording rule', async () => {
    const known = new Set([
      ...(await exportedSeries()),
      ...ISTIO,
      ...PROMETHEUS_BUILTIN,
      // Exported by a service with a TLS certificate only (TLS_MODE tls or mtls), which exportedSeries does not start.
      CERTIFICATE_EXPIRY_METRIC,
      ...rules.flatMap((r) => r.record ?? []),
    ]);
    const expressions = [...rules.map((r) => r.expr), ...dashboards.flatMap(dashboardExpressions)];
    expect(expressions.length).toBeGreaterThan(20);
    expect(expressions.flatMap(metricNames).filter((name) => !known.has(name))).toEqual([]);
  });

  it('cover RED with gRPC codes and quantiles, canary vs stable, the pipeline and the mesh', () => {
    const exprs = (file: string) =>
      dashboards.find((d) => d.file === file)?.panels.flatMap((p) => p.targets.map((t) => t.expr)) ?? [];
    expect(exprs('service-red.json').join('\n')).toMatch(
      /sum by \(grpc_code\)[\s\S]*histogram_quantile\(0\.5,[\s\S]*histogram_quantile\(0\.99,/,
    );
    // Requests, errors and latency (p99 included) each of gRPC calls and of the gateway's REST requests.
    const red = dashboards.find((d) => d.file === 'service-red.json')?.panels.slice(0, 3) ?? [];
    const covers = (targets: { expr: string }[], metric: RegExp) =>
      targets.some(
        (t) => t.expr.includes('service="$service"') && metricNames(t.expr).some((m) => metric.test(m)),
      );
    expect(
      red.map((p) => [
        covers(p.targets, /^grpc_server_handl/),
        covers(p.targets, /^http_server_request_duration_seconds_/),
      ]),
    ).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(red[2]?.targets.map((t) => t.expr).join('\n')).toMatch(
      /histogram_quantile\(0\.99, .*http_server_request_duration_seconds_bucket\{service="\$service"/,
    );
    expect(exprs('canary.json').filter((e) => e.includes('track="canary"'))).toHaveLength(3);
    expect(exprs('canary.json').filter((e) => e.includes('track="stable"'))).toHaveLength(3);
    expect(exprs('telemetry-pipeline.json').join('\n')).toMatch(
      /ingestion_readings_rejected_total[\s\S]*ALERTS[\s\S]*edge_gateway_publish_batches_pending[\s\S]*histogram_quantile\(0\.99, .*http_server_request_duration_seconds_bucket/,
    );
    expect(exprs('mesh.json').join('\n')).toMatch(/source_workload, destination_workload/);
  });
});

// The label matchers with which canary analysis leaves out what says nothing about a release (ADR 0007).
/** The canary track of a service with gRPC and REST traffic, as the analysis queries it. */
const CANARY_SCOPE = {
  service: 'edge-gateway',
  namespace: 'edge-gateway',
  track: 'canary',
  window: '5m',
} as const;
const UNARY = 'grpc_type="unary"';
const ROUTED_NOT_SSE = ['route!=""', 'route!="/api/v1/alerts/stream"'];
const NOT_CANCELLED = 'grpc_code!="Canceled"';
const FAILED_NOT_CANCELLED = 'grpc_code!~"OK|Canceled"';
// What GrpcHighErrorRatio pages on: no cancelled call among them either.
const SERVER_FAULTS = 'grpc_code=~"Unknown|DeadlineExceeded|Unimplemented|Internal|Unavailable|DataLoss"';
const REST_FAILED = ['route!=""', 'status_code=~"5.."'];
const NOT_RESET = 'response_flags!~"(.*,)?D[RC](,.*)?"';

/**
 * Each selector of a PromQL expression, bare or with label matchers, as its metric and matchers. Function
 * names and grouping labels come out as "metrics" without matchers too, which the callers never ask for.
 */
function selectorsIn(expression: string): { metric: string; matchers: string[] }[] {
  return [...expression.matchAll(/([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?/g)].map(
    ([, metric = '', body = '']) => ({
      metric,
      matchers: body.match(/\w+\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g) ?? [],
    }),
  );
}

describe('rules and dashboards judge calls as canary analysis does', () => {
  const expressions = [
    ...rules.map((r) => ({ where: `rules.yaml ${r.record ?? r.alert}`, expr: r.expr })),
    ...dashboards.flatMap((d) =>
      d.panels.flatMap((p) => p.targets.map((t) => ({ where: `${d.file} "${p.title}"`, expr: t.expr }))),
    ),
  ];
  /** The selectors of `metric` in the expressions `pick` chooses, as "where: metric{matchers}". */
  const selectorsOf = (metric: string, pick: (expr: string) => boolean = () => true) =>
    expressions
      .filter(({ expr }) => pick(expr))
      .flatMap(({ where, expr }) =>
        selectorsIn(expr)
          .filter((s) => s.metric === metric)
          .map((s) => ({
            where,
            matchers: s.matchers,
            text: `${where}: ${metric}{${s.matchers.join(',')}}`,
          })),
      );
  const lacking = (selectors: ReturnType<typeof selectorsOf>, ...required: string[]) =>
    selectors.filter((s) => required.some((m) => !s.matchers.includes(m))).map((s) => s.text);

  it('filter with the matchers the analysis uses', () => {
    const [app, istio] = [trackQueries('app', CANARY_SCOPE), trackQueries('istio', CANARY_SCOPE)];
    for (const matcher of [UNARY, ...ROUTED_NOT_SSE]) expect(app.p99Ms).toContain(matcher);
    for (const matcher of [NOT_CANCELLED, FAILED_NOT_CANCELLED]) expect(app.successRate).toContain(matcher);
    expect(istio.successRate).toContain(NOT_RESET);
  });

  it("time unary gRPC calls and REST requests other than SSE, never a stream's whole life", () => {
    const grpc = selectorsOf('grpc_server_handling_seconds_bucket');
    const rest = selectorsOf('http_server_request_duration_seconds_bucket');
    expect(grpc.map((s) => s.where)).toEqual(
      expect.arrayContaining(['rules.yaml service:grpc_latency_seconds:p99_5m']),
    );
    expect(rest.length).toBeGreaterThan(0);
    expect([...lacking(grpc, UNARY), ...lacking(rest, ...ROUTED_NOT_SSE)]).toEqual([]);
  });

  it('count no call its client cancelled as a gRPC failure, nor among the calls a ratio is of', () => {
    const handled = 'grpc_server_handled_total';
    const judgesOutcome = (expr: string) =>
      selectorsIn(expr).some(
        (s) => s.metric === handled && s.matchers.some((m) => m.startsWith('grpc_code')),
      );
    const selectors = selectorsOf(handled, judgesOutcome);
    expect(selectors.length).toBeGreaterThan(0);
    const counted = selectors.filter(
      (s) => ![FAILED_NOT_CANCELLED, NOT_CANCELLED, SERVER_FAULTS].some((m) => s.matchers.includes(m)),
    );
    expect(counted.map((s) => s.text)).toEqual([]);
  });

  it('compare a canary with stable on gRPC failures and REST 5xx, as the analysis judges a track', () => {
    const failures = (expr: string) =>
      selectorsIn(expr)
        .filter(
          (s) =>
            (s.metric === 'grpc_server_handled_total' && s.matchers.includes(FAILED_NOT_CANCELLED)) ||
            (s.metric === 'http_server_request_duration_seconds_count' &&
              REST_FAILED.every((m) => s.matchers.includes(m))),
        )
        .map((s) => s.metric);
    const metrics = ['grpc_server_handled_total', 'http_server_request_duration_seconds_count'];
    const record = 'service_track:request_errors:ratio_rate5m';
    expect([...new Set(failures(trackQueries('app', CANARY_SCOPE).successRate))].sort()).toEqual(metrics);
    expect([...new Set(failures(rules.find((r) => r.record === record)?.expr ?? ''))].sort()).toEqual(
      metrics,
    );
    expect(rules.find((r) => r.alert === 'CanaryWorseThanStable')?.expr).toContain(
      `${record}{track="canary"}`,
    );
    const canaryPanel = dashboards
      .find((d) => d.file === 'canary.json')
      ?.panels.find((p) => p.title.startsWith('Success rate'));
    expect(canaryPanel?.targets.map((t) => t.expr)).toEqual([
      `1 - ${record}{service="$service",track="stable"}`,
      `1 - ${record}{service="$service",track="canary"}`,
    ]);
  });

  it('leave calls the client reset out of Istio success and failure figures, on both sides of a ratio', () => {
    const judgesOutcome = (expr: string) => /grpc_response_status|response_code/.test(expr);
    const selectors = selectorsOf('istio_requests_total', judgesOutcome);
    expect(selectors.length).toBeGreaterThan(0);
    expect(lacking(selectors, NOT_RESET)).toEqual([]);
  });
});
