import { DASHBOARD_DIRS, dashboardExpressions, readDashboards } from './dashboards.js';
import {
  metricOfSeries,
  nodeDefaultMetrics,
  ownMetrics,
  PLATFORM_METRIC_HELPERS,
  platformMetricHelpers,
} from './exported-metrics.js';
import { metricNames } from './promql.js';
import { readRules } from './prometheus-rules.js';
import { readRepoFile } from './repo.js';

/** The metric names in the first column of README's metrics table ("### Metrics"). */
function documentedMetrics(): string[] {
  const readme = readRepoFile('README.md');
  const section = /^### Metrics\n([\s\S]*?)(?=^#{2,3} )/m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^\| `([a-z_:]+)` +\|/gm)].map(([, name = '']) => name);
}

const rules = readRules();

describe("README's metrics table", () => {
  it('names every metric the services export beside the Node.js defaults, and no other', async () => {
    const own = (await ownMetrics()).map((metric) => metric.name);
    expect(own.length).toBeGreaterThan(15);
    expect([...documentedMetrics()].sort()).toEqual([...new Set(own)].sort());
  });

  it('sees the metrics the services declare through platform helpers', async () => {
    // Only these platform functions declare a metric under a name not spelt out where it is declared:
    // the helpers the services name theirs through, and the certificate gauge (its constant is read
    // by ownMetrics). A new helper must join PLATFORM_METRIC_HELPERS, or its metrics would go unseen.
    expect(platformMetricHelpers().sort()).toEqual(
      [...Object.keys(PLATFORM_METRIC_HELPERS), 'watchCertificateExpiry'].sort(),
    );
    const own = (await ownMetrics()).map((metric) => metric.name);
    expect(own).toEqual(
      expect.arrayContaining(['edge_gateway_alert_events_unsent', 'alert_manager_watch_events_unsent']),
    );
  });

  it('names every metric of theirs a dashboard or rule uses', async () => {
    const own = await ownMetrics();
    const documented = new Set(documentedMetrics());
    const expressions = [
      ...rules.map((rule) => rule.expr),
      ...DASHBOARD_DIRS.flatMap(readDashboards).flatMap(dashboardExpressions),
    ];
    const used = new Set(expressions.flatMap(metricNames));
    const theirs = [...new Set([...used].flatMap((series) => metricOfSeries(series, own) ?? []))];
    // The pipeline's panels and TelemetryPipelineStalled among them.
    expect(theirs).toEqual(
      expect.arrayContaining([
        'ingestion_readings_accepted_total',
        'data_processor_readings_total',
        'notification_delivery_attempts_total',
      ]),
    );
    expect(theirs.filter((name) => !documented.has(name))).toEqual([]);
    // Whatever else they use is Node's, Istio's, Prometheus' or recorded.
    const nodeDefaults = await nodeDefaultMetrics();
    const recorded = new Set(rules.flatMap((rule) => rule.record ?? []));
    const others = [...used].filter(
      (series) =>
        metricOfSeries(series, own) === undefined &&
        metricOfSeries(series, nodeDefaults) === undefined &&
        !recorded.has(series),
    );
    expect(others.sort()).toEqual([
      'ALERTS',
      'istio_request_duration_milliseconds_bucket',
      'istio_requests_total',
      'up',
    ]);
  });
});
