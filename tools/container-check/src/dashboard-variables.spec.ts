// The dashboards' service variables, asked of a real Prometheus that scrapes the real services as the
// compose stack's Prometheus does (deploy/compose/prometheus.yml), after REST traffic only, as README's
// first look sends: the edge gateway then has REST series and no gRPC ones.
import { startScratchStack, type ScratchStack } from '@iot-mesh/local-stack';
import { eventually, startPrometheusServer, type PrometheusServer } from '@iot-mesh/platform/testing';
import { parse } from 'yaml';
import { z } from 'zod';
import { DASHBOARD_DIRS, labelValuesVariables, readDashboards } from './dashboards.js';
import { parseDockerfile, stageEnvironment } from './dockerfile.js';
import { readCatalog, readRepoFile, REPO_ROOT } from './repo.js';

const catalog = readCatalog().map((s) => s.name);
const variables = DASHBOARD_DIRS.flatMap(readDashboards).flatMap(labelValuesVariables);
const OPERATOR_TOKEN = 'dashboard-variables-operator-token';
// Another exporter whose series a scrape job labels `service`: the cluster Prometheus chart's
// kubernetes-service-endpoints job names each annotated Service so (CoreDNS's process metrics arrive as
// service="kube-dns"). Prometheus' own metrics stand in for it.
const FOREIGN_SERVICE = 'kube-dns';

const composeConfig = z
  .looseObject({
    scrape_configs: z.array(
      z.looseObject({
        job_name: z.string(),
        static_configs: z.array(z.looseObject({ targets: z.array(z.string()) })),
      }),
    ),
  })
  .parse(parse(readRepoFile('deploy/compose/prometheus.yml')));

/** The compose scrape config with every target moved to where it listens here; no rules, scraped every second. */
function configFor(self: string, adminAddress: (service: string) => string | undefined) {
  const moved = (target: string) =>
    target.startsWith('localhost:') ? self : (adminAddress(target.split(':')[0] ?? '') ?? target);
  return {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      ...composeConfig.scrape_configs.map((job) => ({
        ...job,
        static_configs: job.static_configs.map((group) => ({ ...group, targets: group.targets.map(moved) })),
      })),
      {
        job_name: 'foreign-exporter',
        static_configs: [{ targets: [self], labels: { service: FOREIGN_SERVICE } }],
      },
    ],
  };
}

describe('the dashboards’ label_values variables, against the services as they export metrics', () => {
  let scratch: ScratchStack | undefined;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    scratch = await startScratchStack(REPO_ROOT, OPERATOR_TOKEN);
    const services = scratch.stack.services;
    const adminAddress = (name: string) => {
      const service = services.find((s) => s.name === name);
      return service ? `127.0.0.1:${service.adminPort}` : undefined;
    };
    prometheus = await startPrometheusServer((self) => configFor(self, adminAddress));
    const response = await fetch(`${scratch.httpBaseUrl}/api/v1/devices`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const scraped = prometheus;
    await eventually(async () => {
      const up = await scraped.query('up == 1');
      const rest = await scraped.query('http_server_request_duration_seconds_count{service="edge-gateway"}');
      return up.length === catalog.length + 2 && rest.length > 0 ? true : undefined;
    }, 'every target up and the REST request scraped');
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    await scratch?.close();
  });

  it('label the services as their images do: each image’s SERVICE_NAME is its catalog name', () => {
    const runtime = parseDockerfile(readRepoFile('Dockerfile')).stages.at(-1)!;
    for (const name of catalog)
      expect(stageEnvironment(runtime, { SERVICE: name })['SERVICE_NAME']).toBe(name);
  });

  it('are read from the dashboards', () => {
    expect(variables.map((v) => v.where)).toEqual(
      expect.arrayContaining([
        'deploy/compose/grafana/dashboards/iot-mesh-services.json $service',
        'istio/dashboards/canary.json $service',
        'istio/dashboards/service-red.json $service',
      ]),
    );
  });

  it('run where the gateway has served REST requests and no gRPC call', async () => {
    const grpc = await prometheus?.query('grpc_server_handled_total{service="edge-gateway"}');
    expect(grpc).toEqual([]);
  });

  it.each(variables.filter((v) => v.label === 'service'))(
    '$where lists every catalog service and nothing else',
    async ({ match, label }) => {
      const listed = await prometheus?.labelValues(label, match);
      expect(listed?.sort()).toEqual([...catalog].sort());
    },
  );
});
