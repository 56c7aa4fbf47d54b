// Renders every chart over the values matrix with the real helm binary (once, in beforeAll) and checks
// the objects against the upstream schemas and each of our rules.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  HEALTH_CHECK_PATH,
  readCatalog,
  repoRoot,
  toChartServices,
} from '../src/catalog/generate-catalog-template.js';
import { parse, parseAllDocuments } from 'yaml';
import { dependencyBuild, lint, renderObjects, STABLE_TAG, type HelmResult } from '../src/helm/helm.js';
import { asArray, field, ofKind, text, type K8sObject } from '../src/manifest.js';
import {
  caseTitle,
  charts,
  environments,
  environmentValuesFile,
  lintOptions,
  matrixCases,
  storageCharts,
  type MatrixCase,
} from '../src/matrix.js';
import { longestCallerDeadlines, readCallerDeadlines } from '../src/deadlines/caller-deadlines.js';
import { protoMethodPaths } from '../src/proto/proto-methods.js';
import { canaryHeaderOnlyInMesh, meshCanaryHeaderHasCallers } from '../src/rules/canary-header.js';
import { connectionPoolsBounded } from '../src/rules/connection-pools.js';
import { budgetPerTrack } from '../src/rules/disruption-budgets.js';
import { policyMethodsExist } from '../src/rules/methods.js';
import { podsAreHardened } from '../src/rules/pods.js';
import { policiesMatchCatalog } from '../src/rules/policy-catalog.js';
import { portsNamedByProtocol } from '../src/rules/ports.js';
import { principalsAreServiceAccounts } from '../src/rules/principals.js';
import { retriesLeaveRefusalsAndCancels } from '../src/rules/retries.js';
import { routeTimeoutsOutlastCallerDeadlines } from '../src/rules/route-timeouts.js';
import { serviceMonitorsCanScrape } from '../src/rules/scrapes.js';
import { gracePeriodCoversDrain } from '../src/rules/shutdown.js';
import { sqliteRunsOnePod } from '../src/rules/sqlite-pods.js';
import { subsetsExist } from '../src/rules/subsets.js';
import { deploymentsExportSpans, tracingEndpointReachable } from '../src/rules/tracing.js';
import { trafficMatches } from '../src/rules/traffic.js';
import { weightsSumTo100 } from '../src/rules/weights.js';
import { unknownFieldProblems, upstreamProblems } from '../src/schema/validate-object.js';

const cases = matrixCases();
const catalog = toChartServices(readCatalog());
const callerDeadlines = longestCallerDeadlines(readCallerDeadlines());
const builds = new Map<string, HelmResult>();
const lints = new Map<string, HelmResult>();
const rendered = new Map<MatrixCase, K8sObject[]>();
const objectsOf = (matrixCase: MatrixCase): K8sObject[] => rendered.get(matrixCase) ?? [];
/** Every chart's default render together: cross-chart rules (principals) need all ServiceAccounts. */
const wholeMesh = (): K8sObject[] => cases.filter((c) => c.name === 'canary off').flatMap(objectsOf);

beforeAll(async () => {
  for (const chart of charts) builds.set(chart, await dependencyBuild(chart));
  await Promise.all(
    charts.map(async (chart) => {
      lints.set(chart, await lint(chart, lintOptions(chart)));
    }),
  );
  await Promise.all(cases.map(async (c) => rendered.set(c, await renderObjects(c.chart, c.options))));
}, 120_000);

describe.each(charts)('chart %s', (chart) => {
  it('builds its dependency on the mesh-service library', () => {
    expect(builds.get(chart)?.stderr).toBe('');
    expect(builds.get(chart)?.ok).toBe(true);
  });

  // Lint only proves the defaults render cleanly: it reports the chart's `fail` checks as INFO and
  // passes, so refused values are tested with `helm template` (bad-values.spec.ts).
  it('passes helm lint --strict', () => {
    const result = lints.get(chart);
    expect(result?.stdout + (result?.stderr ?? '')).toContain('0 chart(s) failed');
    expect(result?.ok).toBe(true);
  });
});

describe.each(cases.map((c) => [caseTitle(c), c] as const))('%s', (_title, matrixCase) => {
  const objects = (): K8sObject[] => objectsOf(matrixCase);

  it('renders the core objects', () => {
    const kinds = objects().map((object) => object.kind);
    for (const kind of ['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget']) {
      expect(kinds).toContain(kind);
    }
    for (const kind of [
      'DestinationRule',
      'VirtualService',
      'AuthorizationPolicy',
      'PeerAuthentication',
      'Sidecar',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('matches the upstream Kubernetes and Istio schemas', () => {
    expect(objects().flatMap(upstreamProblems)).toEqual([]);
  });

  it('has no unknown fields in Istio specs', () => {
    expect(objects().flatMap(unknownFieldProblems)).toEqual([]);
  });

  it('routes weights that add up to 100', () => expect(weightsSumTo100(objects())).toEqual([]));
  it('routes only to subsets its DestinationRule declares', () =>
    expect(subsetsExist(objects())).toEqual([]));
  it('hardens every pod', () => expect(podsAreHardened(objects())).toEqual([]));
  it('names ports by protocol', () => expect(portsNamedByProtocol(objects())).toEqual([]));
  it('splits traffic as the values ask', () =>
    expect(trafficMatches(objects(), matrixCase.traffic)).toEqual([]));
  it('honours x-canary only for traffic from inside the mesh', () =>
    expect(canaryHeaderOnlyInMesh(objects())).toEqual([]));
  it('routes x-canary from the mesh only where a mesh caller may send it', () =>
    expect(meshCanaryHeaderHasCallers(objects(), catalog)).toEqual([]));
  it("times mesh routes out only after their callers' deadlines", () =>
    expect(routeTimeoutsOutlastCallerDeadlines(objects(), callerDeadlines)).toEqual([]));
  it('retries neither RESOURCE_EXHAUSTED nor CANCELLED', () =>
    expect(retriesLeaveRefusalsAndCancels(objects())).toEqual([]));
  it('gives each track its own PodDisruptionBudget', () => expect(budgetPerTrack(objects())).toEqual([]));
  it('runs one pod at a time on SQLite', () => expect(sqliteRunsOnePod(objects())).toEqual([]));
  it("outlives the app's drain, proxy included", () => expect(gracePeriodCoversDrain(objects())).toEqual([]));
  it('bounds every connection pool, and repeats the whole policy on each port-level entry', () =>
    expect(connectionPoolsBounded(objects())).toEqual([]));
  it('renders only ServiceMonitors that can scrape under STRICT mTLS', () =>
    expect(serviceMonitorsCanScrape(objects())).toEqual([]));
  it('exports spans from every pod, to a collector its Sidecar lets it reach', () => {
    expect(deploymentsExportSpans(objects())).toEqual([]);
    expect(tracingEndpointReachable(objects())).toEqual([]);
  });

  it('allows only proto methods, exactly those the catalog grants', () => {
    const methods = protoMethodPaths(join(repoRoot, 'proto/iotmesh'));
    expect(policyMethodsExist(objects(), methods)).toEqual([]);
    expect(policiesMatchCatalog(objects(), catalog)).toEqual([]);
  });

  it('names only ServiceAccounts that some chart creates', () => {
    expect(principalsAreServiceAccounts([...wholeMesh(), ...objects()])).toEqual([]);
  });

  it('configures the catalog ports and downstream addresses', () => {
    const service = catalog[matrixCase.chart];
    const data = field(ofKind(objects(), 'ConfigMap')[0], 'data') as Record<string, string>;
    expect(data.GRPC_PORT).toBe(String(service.grpcPort));
    expect(data.ADMIN_PORT).toBe(String(service.adminPort));
    for (const callee of Object.keys(service.calls)) {
      const variable = `${callee.toUpperCase().replace(/-/g, '_')}_ADDRESS`;
      expect(data[variable]).toBe(`${callee}.${callee}.svc.cluster.local:${catalog[callee].grpcPort}`);
    }
  });
});

describe('values that switch objects on and off', () => {
  const find = (chart: string, name: string): MatrixCase =>
    cases.find((c) => c.chart === chart && c.name === name)!;

  it('renders a ServiceMonitor only when asked and its CRD exists; by default the annotations scrape', () => {
    expect(ofKind(objectsOf(find('device-registry', 'canary off')), 'ServiceMonitor')).toHaveLength(0);
    const monitoring = objectsOf(find('device-registry', 'monitoring CRDs'));
    expect(ofKind(monitoring, 'ServiceMonitor')).toHaveLength(0);
    expect(
      field(ofKind(monitoring, 'Deployment')[0], 'spec', 'template', 'metadata', 'annotations'),
    ).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9462' });
    expect(ofKind(objectsOf(find('device-registry', 'custom resources')), 'ServiceMonitor')).toHaveLength(1);
  });

  // meshctl's canary analysis selects each track's calls by `version` (app metrics) and destination_version
  // (Istio, which reads the pods' version labels), so a previous canary's calls never count for the next.
  it("labels each track's pods with its image tag as version, and the ServiceMonitor copies it", () => {
    const canary = objectsOf(find('device-registry', 'canary 90/10'));
    const podLabels = ofKind(canary, 'Deployment').map((d) =>
      field(d, 'spec', 'template', 'metadata', 'labels'),
    );
    expect(podLabels).toHaveLength(2);
    expect(podLabels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ track: 'canary', version: 'v2', 'app.kubernetes.io/version': 'v2' }),
        expect.objectContaining({
          track: 'stable',
          version: STABLE_TAG,
          'app.kubernetes.io/version': STABLE_TAG,
        }),
      ]),
    );
    const [monitor] = ofKind(objectsOf(find('device-registry', 'custom resources')), 'ServiceMonitor');
    expect(field(monitor, 'spec', 'endpoints', 0, 'relabelings')).toEqual(
      expect.arrayContaining([
        { sourceLabels: ['__meta_kubernetes_pod_label_track'], targetLabel: 'track' },
        { sourceLabels: ['__meta_kubernetes_pod_label_version'], targetLabel: 'version' },
      ]),
    );
  });

  it('runs the stateful services as one SQLite pod by default, and autoscales them on PostgreSQL in eks', () => {
    for (const chart of storageCharts) {
      const defaults = objectsOf(find(chart, 'canary off'));
      expect(field(ofKind(defaults, 'ConfigMap')[0], 'data', 'STORAGE')).toBe('sqlite');
      expect(ofKind(defaults, 'HorizontalPodAutoscaler')).toHaveLength(0);
      expect(field(ofKind(defaults, 'Deployment')[0], 'spec', 'replicas')).toBe(1);
      const eks = objectsOf(find(chart, 'environment eks'));
      expect(field(ofKind(eks, 'ConfigMap')[0], 'data', 'STORAGE')).toBe('postgres');
      expect(field(ofKind(eks, 'HorizontalPodAutoscaler')[0], 'spec')).toMatchObject({ minReplicas: 2 });
      expect(field(ofKind(eks, 'Sidecar')[0], 'spec', 'egress', 0, 'hosts')).toContain('databases/*');
    }
  });

  it('lets the HPA own the replica count, and fixes it when autoscaling is off', () => {
    const [autoscaled] = ofKind(objectsOf(find('notification', 'environment eks')), 'Deployment');
    expect(field(autoscaled, 'spec', 'replicas')).toBeUndefined();
    expect(
      ofKind(objectsOf(find('notification', 'environment eks')), 'HorizontalPodAutoscaler'),
    ).toHaveLength(1);
    const [fixed] = ofKind(objectsOf(find('notification', 'custom resources')), 'Deployment');
    expect(field(fixed, 'spec', 'replicas')).toBe(3);
  });

  it('binds the edge gateway to the ingress Gateway only when the gateway is on', () => {
    const gatewaysOf = (name: string): unknown =>
      field(ofKind(objectsOf(find('edge-gateway', name)), 'VirtualService')[0], 'spec', 'gateways');
    expect(gatewaysOf('canary off')).toEqual(['mesh', 'istio-system/iot-mesh-gateway']);
    expect(gatewaysOf('gateway off')).toEqual(['mesh']);
  });

  it('renders a PodDisruptionBudget per track, the canary one only while the canary is on', () => {
    const budgetsOf = (name: string): [string, unknown][] =>
      ofKind(objectsOf(find('notification', name)), 'PodDisruptionBudget')
        .map((budget): [string, unknown] => [
          budget.metadata.name,
          field(budget, 'spec', 'selector', 'matchLabels'),
        ])
        .sort(([a], [b]) => a.localeCompare(b));
    expect(budgetsOf('canary off')).toEqual([
      ['notification-stable', { app: 'notification', track: 'stable' }],
    ]);
    expect(budgetsOf('canary 90/10')).toEqual([
      ['notification-canary', { app: 'notification', track: 'canary' }],
      ['notification-stable', { app: 'notification', track: 'stable' }],
    ]);
  });

  it('keeps x-canary routes off the ingress Gateway unless traffic.canaryHeaderAtIngress', async () => {
    const headerRoutes = (objects: K8sObject[]): unknown[] =>
      (field(ofKind(objects, 'VirtualService')[0], 'spec', 'http') as { name: string }[])
        .map((route) => route.name)
        .filter((name) => name.endsWith('-canary-header'));
    // Only the ingress gateway may call the edge gateway, so its mesh routes get no header route either.
    expect(headerRoutes(objectsOf(find('edge-gateway', 'canary 90/10')))).toEqual([]);
    expect(headerRoutes(objectsOf(find('device-registry', 'canary 90/10')))).toEqual([
      'reads-canary-header',
      'default-canary-header',
    ]);
    const optedIn = await renderObjects('edge-gateway', {
      set: { ...find('edge-gateway', 'canary 90/10').options.set, 'traffic.canaryHeaderAtIngress': true },
    });
    expect(headerRoutes(optedIn)).toEqual([
      'gateway-grpc-canary-header',
      'gateway-rest-streams-canary-header',
      'gateway-rest-canary-header',
    ]);
    expect(canaryHeaderOnlyInMesh(optedIn)).toHaveLength(3);
    // While meshctl waits for a new canary's pods, no request reaches it, the header's neither.
    const waiting = await renderObjects('edge-gateway', {
      set: {
        ...find('edge-gateway', 'canary 90/10').options.set,
        'traffic.canaryHeaderAtIngress': true,
        'canary.headerRoute': false,
      },
    });
    expect(headerRoutes(waiting)).toEqual([]);
  });

  it("exports spans to the addon Jaeger's OTLP/HTTP port by default, sampled after the sidecar's decision", () => {
    const data = field(ofKind(objectsOf(find('sensor-ingestion', 'canary off')), 'ConfigMap')[0], 'data');
    expect(data).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger-collector.istio-system.svc.cluster.local:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
  });

  it('exports no span with tracing.endpoint empty, and lets env override the sampler', async () => {
    const off = await renderObjects('notification', { flags: ['--set-string', 'tracing.endpoint='] });
    const offData = field(ofKind(off, 'ConfigMap')[0], 'data') as Record<string, string>;
    expect(Object.keys(offData).filter((name) => name.startsWith('OTEL_'))).toEqual([]);
    expect(deploymentsExportSpans(off)).toHaveLength(1);
    const sampled = await renderObjects('notification', { set: { 'env.OTEL_TRACES_SAMPLER_ARG': 1 } });
    expect(field(ofKind(sampled, 'ConfigMap')[0], 'data', 'OTEL_TRACES_SAMPLER_ARG')).toBe('1');
  });

  it('lets the proxies reach a collector in another namespace', async () => {
    const objects = await renderObjects('notification', {
      set: { 'tracing.endpoint': 'http://otel-collector.observability:4318' },
    });
    expect(field(ofKind(objects, 'Sidecar')[0], 'spec', 'egress', 0, 'hosts')).toContain(
      'observability/otel-collector.observability.svc.cluster.local',
    );
    expect(tracingEndpointReachable(objects)).toEqual([]);
  });

  it('pins data-processor requests to a pod by device header', () => {
    const [rule] = ofKind(objectsOf(find('data-processor', 'canary off')), 'DestinationRule');
    expect(field(rule, 'spec', 'trafficPolicy', 'loadBalancer', 'consistentHash', 'httpHeaderName')).toBe(
      'x-device-shard',
    );
  });
});

describe("the edge gateway's /status", () => {
  /** Principal -> paths each rule of a chart's allow policy grants, in its default render. */
  const grants = (chart: string): [string, string[]][] =>
    asArray(
      field(
        ofKind(
          objectsOf(cases.find((c) => c.chart === chart && c.name === 'canary off')!),
          'AuthorizationPolicy',
        ).find((policy) => policy.metadata.name === chart),
        'spec',
        'rules',
      ),
    ).map((rule) => [
      text(field(rule, 'from', 0, 'source', 'principals', 0)),
      asArray(field(rule, 'to', 0, 'operation', 'paths')).map(text),
    ]);

  it.each(Object.keys(catalog['edge-gateway'].calls))(
    'may check the gRPC health of %s (Check only, and no other caller may)',
    (chart) => {
      const health = grants(chart).filter(([, paths]) =>
        paths.some((path) => path.startsWith('/grpc.health')),
      );
      expect(
        health.map(([principal, paths]) => [principal, paths.filter((p) => p.startsWith('/grpc.health'))]),
      ).toEqual([['cluster.local/ns/edge-gateway/sa/edge-gateway', [HEALTH_CHECK_PATH]]]);
    },
  );
});

describe('deploy/environments', () => {
  it('holds one values file per catalog service in each environment, and nothing else', () => {
    expect(environments).toContain('eks');
    for (const environment of environments) {
      const files = readdirSync(dirname(environmentValuesFile(environment, charts[0] ?? ''))).sort();
      expect([environment, files]).toEqual([environment, charts.map((chart) => `${chart}.yaml`).sort()]);
    }
  });
});

describe('variables the chart owns', () => {
  /** Set by the templates, but nothing else follows them, so env may override them. */
  const openToEnv = ['OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'SHUTDOWN_TIMEOUT_MS'];
  const schema = JSON.parse(readFileSync(join(repoRoot, 'helm/edge-gateway/values.schema.json'), 'utf8')) as {
    properties: { env: { properties: Record<string, unknown> } };
  };

  it('are exactly what the templates set minus what nothing else follows, and the values schema refuses them in env', async () => {
    // Without the charts' own env, with sqlite (DATA_DIR) and tracing on: every variable the templates write.
    const set = new Set<string>();
    for (const chart of charts) {
      const objects = await renderObjects(chart, { flags: ['--set', 'env=null'] });
      for (const name of Object.keys(field(ofKind(objects, 'ConfigMap')[0], 'data') as object)) set.add(name);
    }
    const owned = [...set].filter((name) => !openToEnv.includes(name)).sort();
    expect(owned).toContain('DATA_DIR');
    expect(Object.keys(schema.properties.env.properties).sort()).toEqual(owned);
  });
});

describe('connection pools where streams go', () => {
  interface ChartValues {
    routing: { streamingMethods?: string[] };
    gateway?: { enabled: boolean; streamingRestPaths?: string[]; restTimeout: string };
  }
  const valuesOf = (chart: string): ChartValues =>
    parse(readFileSync(join(repoRoot, `helm/${chart}/values.yaml`), 'utf8')) as ChartValues;
  const ruleOf = (chart: string): K8sObject =>
    ofKind(objectsOf(cases.find((c) => c.chart === chart && c.name === 'canary off')!), 'DestinationRule')[0];

  /** Ports that hold long-lived streams: gRPC streams someone calls (or the ingress reaches), SSE paths. */
  function streamPorts(chart: string): { port: number; http1: boolean }[] {
    const values = valuesOf(chart);
    const service = catalog[chart];
    const streams = values.routing.streamingMethods ?? [];
    const called = Object.values(service.callers).some((methods) => methods.some((m) => streams.includes(m)));
    const ports: { port: number; http1: boolean }[] = [];
    if (streams.length > 0 && (called || values.gateway?.enabled))
      ports.push({ port: service.grpcPort, http1: false });
    if (values.gateway?.streamingRestPaths?.length && service.httpPort)
      ports.push({ port: service.httpPort, http1: true });
    return ports;
  }

  it('finds the streams of the edge gateway (gRPC and SSE) and of alert-manager (WatchAlerts)', () => {
    expect(charts.filter((chart) => streamPorts(chart).length > 0).sort()).toEqual([
      'alert-manager',
      'edge-gateway',
    ]);
  });

  it.each(charts)('%s gives the ports that carry streams more room than the default pool', (chart) => {
    const policy = field(ruleOf(chart), 'spec', 'trafficPolicy');
    const limit = (pool: unknown, ...path: string[]) => Number(field(pool, ...path));
    for (const { port, http1 } of streamPorts(chart)) {
      const portPool = field(
        asArray(field(policy, 'portLevelSettings')).find((entry) => field(entry, 'port', 'number') === port),
        'connectionPool',
      );
      const defaults = field(policy, 'connectionPool');
      expect(portPool === undefined ? `no port-level pool for ${port}` : 'a pool').toBe('a pool');
      expect(limit(portPool, 'http', 'http2MaxRequests')).toBeGreaterThan(
        limit(defaults, 'http', 'http2MaxRequests'),
      );
      // HTTP/1.1 upstream: one connection per open request, so an SSE watcher holds a connection.
      if (http1)
        expect(limit(portPool, 'tcp', 'maxConnections')).toBeGreaterThan(
          limit(defaults, 'tcp', 'maxConnections'),
        );
    }
  });

  it("times out the edge gateway's REST requests from the ingress, except the event streams of its API", () => {
    const api = readFileSync(join(repoRoot, 'services/edge-gateway/src/http/api-routes.ts'), 'utf8');
    const routes = api
      .split(/\n {2}\{/)
      .map((chunk) => ({ path: /path: '([^']+)'/.exec(chunk)?.[1], events: /events: true/.test(chunk) }))
      .filter((route): route is { path: string; events: boolean } => route.path !== undefined);
    const eventPaths = routes.filter((route) => route.events).map((route) => route.path);
    expect(eventPaths.length).toBeGreaterThan(0);
    const http = field(
      ofKind(
        objectsOf(cases.find((c) => c.chart === 'edge-gateway' && c.name === 'canary off')!),
        'VirtualService',
      )[0],
      'spec',
      'http',
    ) as { name: string; timeout?: string; match?: { uri?: { regex: string } }[] }[];
    const route = (name: string) => http.find((r) => r.name === name);
    const sse = new RegExp(route('gateway-rest-streams')?.match?.[0]?.uri?.regex ?? '^$');
    const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x1');
    expect(routes.filter((r) => sse.test(concrete(r.path))).map((r) => r.path)).toEqual(eventPaths);
    // No timeout field: Istio's default, disabled (the CRDs refuse `0s`).
    expect(route('gateway-rest-streams')).toBeDefined();
    expect(route('gateway-rest-streams')).not.toHaveProperty('timeout');
    expect(route('gateway-rest')?.timeout).toBe(valuesOf('edge-gateway').gateway?.restTimeout);
  });
});

describe('the ingress gateway on the edge gateway', () => {
  it('may call only the public gRPC API (no reflection, no Health/Watch), and any path on the REST port', () => {
    const service = catalog['edge-gateway'];
    const [policy] = ofKind(
      objectsOf(cases.find((c) => c.chart === 'edge-gateway' && c.name === 'canary off')!),
      'AuthorizationPolicy',
    ).filter((p) => p.metadata.name === 'edge-gateway');
    const ingressRule = asArray(field(policy, 'spec', 'rules')).find((rule) =>
      text(field(rule, 'from', 0, 'source', 'principals', 0)).includes('istio-ingressgateway'),
    );
    expect(field(ingressRule, 'to')).toEqual([
      { operation: { ports: [String(service.grpcPort)], paths: [`/${service.api}/*`] } },
      { operation: { ports: [String(service.httpPort)] } },
    ]);
  });
});

describe('scrapes through a NetworkPolicy', () => {
  it.each(charts)(
    '%s admits the Prometheus of istio-setup.sh (istio-system) and of monitoring-setup.sh',
    (chart) => {
      const script = readFileSync(join(repoRoot, 'setup-scripts/monitoring-setup.sh'), 'utf8');
      const monitoring = /^namespace="([^"]+)"/m.exec(script)?.[1];
      expect(monitoring).toBeDefined();
      const [policy] = ofKind(
        objectsOf(cases.find((c) => c.chart === chart && c.name === 'custom resources')!),
        'NetworkPolicy',
      );
      const scrapes = asArray(field(policy, 'spec', 'ingress')).find((rule) =>
        asArray(field(rule, 'ports')).some((port) => field(port, 'port') === 15020),
      );
      const namespaces = asArray(field(scrapes, 'from')).map((from) =>
        field(from, 'namespaceSelector', 'matchLabels', 'kubernetes.io/metadata.name'),
      );
      expect(namespaces).toEqual(expect.arrayContaining(['istio-system', monitoring]));
    },
  );
});

describe('hosts outside the mesh on eks, as docs/deployment-guide.md registers them', () => {
  const guide = readFileSync(join(repoRoot, 'docs/deployment-guide.md'), 'utf8');
  const entries = [...guide.matchAll(/<<'EOF'\n([\s\S]*?)\n\s*EOF/g)]
    .flatMap((block) =>
      parseAllDocuments(block[1].replace(/^ {3}/gm, '')).map((doc) => doc.toJS() as K8sObject),
    )
    .filter((object) => object?.kind === 'ServiceEntry');
  /** The guide's ServiceEntry with one of these ports, and the namespace it lives in. */
  const entryOn = (...ports: number[]): string | undefined =>
    entries.find((entry) =>
      asArray(field(entry, 'spec', 'ports')).some((port) => ports.includes(Number(field(port, 'number')))),
    )?.metadata.namespace;
  const eksEgress = (chart: string): unknown =>
    field(
      ofKind(objectsOf(cases.find((c) => c.chart === chart && c.name === 'environment eks')!), 'Sidecar')[0],
      'spec',
      'egress',
      0,
      'hosts',
    );

  it("reach the edge gateway's Redis: its egress has the ServiceEntry's namespace", () => {
    const redis = entryOn(6379);
    expect(redis).toBeDefined();
    expect(eksEgress('edge-gateway')).toContain(`${redis}/*`);
  });

  // SMTP_URL and WEBHOOK_URL go in notification-env; under REGISTRY_ONLY their hosts need ServiceEntries.
  it.each<[string, number[]]>([
    ['SMTP relay', [25, 465, 587]],
    ['webhook receivers', [443]],
  ])("reach notification's %s, and no other service's", (_what, ports) => {
    const namespace = entryOn(...ports);
    expect(namespace).toBeDefined();
    expect(eksEgress('notification')).toContain(`${namespace}/*`);
    const others = charts.filter((chart) => chart !== 'notification');
    expect(others.filter((chart) => asArray(eksEgress(chart)).includes(`${namespace}/*`))).toEqual([]);
  });
});
