import {
  clusterOnlyPanels,
  DASHBOARD_DIRS,
  labelValuesVariables,
  panelProblems,
  readDashboards,
} from './dashboards.js';
import { promqlMismatch } from './promtool.js';

const dashboards = DASHBOARD_DIRS.flatMap(readDashboards);

/** A panel's expressions as Grafana sends them, with every service selected. */
const asQueried = (expr: string) =>
  expr.replace(/=~?"\$service"/g, '=~".*"').replace(/\$__rate_interval/g, '1m');

describe('the dashboards', () => {
  it('are all read', () => {
    expect(dashboards.map((d) => d.path).sort()).toEqual([
      'deploy/compose/grafana/dashboards/iot-mesh-services.json',
      'istio/dashboards/canary.json',
      'istio/dashboards/mesh.json',
      'istio/dashboards/service-red.json',
      'istio/dashboards/telemetry-pipeline.json',
    ]);
  });

  it('say in their description whether they have data in the docker-compose stack, which provisions them all', () => {
    const said = dashboards.map((d) => ({
      path: d.path,
      namesCompose: /docker-compose/.test(d.description ?? ''),
      clusterOnly: /cluster only/i.test(d.description ?? ''),
    }));
    expect(said).toEqual(
      dashboards.map((d) => ({
        path: d.path,
        namesCompose: true,
        clusterOnly: clusterOnlyPanels(d).length > 0,
      })),
    );
  });

  it('fill each label_values variable with the query its definition names', () => {
    const variables = dashboards.flatMap(labelValuesVariables);
    expect(variables.length).toBeGreaterThan(0);
    for (const { where, match, label, query } of variables)
      expect([where, query]).toEqual([where, `label_values(${match}, ${label})`]);
  });

  it('show ratios that are 0, not absent, where nothing failed, and rates in a unit per second', () => {
    expect(dashboards.flatMap(panelProblems)).toEqual([]);
  });

  // Ten minutes of calls: sensor-ingestion's all OK, device-registry's one in ten NotFound.
  const grpcCalls = [
    { series: 'grpc_server_handled_total{service="sensor-ingestion",grpc_code="OK"}', values: '0+60x10' },
    { series: 'grpc_server_handled_total{service="device-registry",grpc_code="OK"}', values: '0+54x10' },
    { series: 'grpc_server_handled_total{service="device-registry",grpc_code="NotFound"}', values: '0+6x10' },
  ];

  it.each(
    dashboards.flatMap((d) =>
      d.panels
        .filter((p) => /^gRPC error ratio$/.test(p.title))
        .flatMap((p) => p.targets.map((t) => [`${d.path} "${p.title}"`, t.expr] as const)),
    ),
  )('%s is 0 for a service whose calls all succeeded', (_where, expr) => {
    const ratio = (service: string, value: number) => ({
      labels: `service:grpc_errors:ratio_rate5m{service="${service}"}`,
      value,
    });
    expect(
      promqlMismatch({
        input: grpcCalls,
        expr: asQueried(expr),
        at: '10m',
        expected: [ratio('sensor-ingestion', 0), ratio('device-registry', 0.1)],
      }),
    ).toBe('');
  });
});
