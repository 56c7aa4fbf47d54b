// Bad values must stop the render with a message that names the value; the schema answers first,
// the library's own checks answer what JSON Schema cannot (sums, cross-field rules) and back it up.
// Always `helm template` (non-zero exit): `helm lint --strict` reports the library's `fail` as INFO and passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/catalog/generate-catalog-template.js';
import { dependencyBuild, helm, releaseArgs, template, type RenderOptions } from '../src/helm/helm.js';
import { environmentValuesFile } from '../src/matrix.js';

const chart = 'device-registry';
/** The values most checks start from: the eks environment (PostgreSQL, autoscaling 2-10), where canaries run. */
const eks = ['--values', environmentValuesFile('eks', chart)];
/** The chart's own defaults: one pod on SQLite. */
const chartDefaults: string[] = [];

beforeAll(async () => {
  // The other two for the checks of their own values (durations, keys of other charts, the ingress).
  for (const built of [chart, 'edge-gateway', 'sensor-ingestion']) {
    const build = await dependencyBuild(built);
    if (!build.ok) throw new Error(build.stderr);
  }
}, 60_000);

async function renderError(options: RenderOptions, base = eks): Promise<string> {
  const result = await template(chart, { ...options, flags: [...base, ...(options.flags ?? [])] });
  expect(result.ok).toBe(false);
  return result.stderr;
}

async function renders(options: RenderOptions, base = eks): Promise<void> {
  const result = await template(chart, { ...options, flags: [...base, ...(options.flags ?? [])] });
  expect(result.stderr).toBe('');
  expect(result.ok).toBe(true);
}

const tag = (track: string, value: string): string[] => ['--set-string', `${track}.image.tag=${value}`];
const canaryOn = { 'canary.enabled': true, 'traffic.stable': 90, 'traffic.canary': 10 };
/** Tags that are valid image tags but not label values (the tag becomes the pods' version label). */
const badTags: [string, string][] = [
  ['80 characters', 'a'.repeat(80)],
  ['a trailing dash', '1.4.0-'],
  ['a leading underscore', '_hotfix'],
];

const withoutSchema: RenderOptions['flags'] = ['--skip-schema-validation'];

describe('the values schema', () => {
  it('rejects a weight of 120', async () => {
    const message = await renderError({ set: { 'traffic.stable': 120 } });
    expect(message).toContain("at '/traffic/stable': maximum: got 120, want 100");
  });

  it('rejects negative replicas', async () => {
    const message = await renderError({ set: { 'stable.replicas': -1 } });
    expect(message).toContain("at '/stable/replicas': minimum: got -1, want 0");
  });

  it('rejects a negative weight', async () => {
    const message = await renderError({ set: { 'traffic.canary': -5 } });
    expect(message).toContain("at '/traffic/canary': minimum: got -5, want 0");
  });

  it('leaves an empty stable.image.tag to the library, whose message says to pass the tag', async () => {
    const message = await renderError({ flags: tag('stable', '') });
    expect(message).not.toContain("at '/stable/image/tag'");
    expect(message).toContain('stable.image.tag is required: pass the image tag to deploy');
  });

  it.each(badTags)('rejects a stable tag with %s', async (_why, value) => {
    const message = await renderError({ flags: tag('stable', value) });
    expect(message).toContain("at '/stable/image/tag'");
  });

  it.each(badTags)('rejects a canary tag with %s', async (_why, value) => {
    const message = await renderError({ set: canaryOn, flags: tag('canary', value) });
    expect(message).toContain("at '/canary/image/tag'");
  });

  it.each(['1.4.0', 'v2', 'release-2026.12.06_rc.1', 'latest-2026.12.06', 'a'.repeat(63)])(
    'accepts the tag %s',
    async (value) => {
      await renders({ set: canaryOn, flags: [...tag('stable', value), ...tag('canary', value)] });
    },
  );

  it.each([
    '--set podDisruptionBudget.minAvailable=-1',
    '--set-string podDisruptionBudget.minAvailable=150%',
  ])('rejects %s', async (flag) => {
    const message = await renderError({ flags: flag.split(' ') });
    expect(message).toContain("at '/podDisruptionBudget/minAvailable'");
  });

  it('rejects unknown keys (a misspelt value would otherwise be ignored)', async () => {
    const message = await renderError({ set: { 'canary.enable': true } });
    expect(message).toContain("additional properties 'enable' not allowed");
  });
});

describe('durations', () => {
  interface SchemaNode {
    $ref?: string;
    allOf?: SchemaNode[];
    properties?: Record<string, SchemaNode>;
  }
  /** Every value the chart's schema types as a duration, by its --set path. */
  function durationPaths(chartName: string): string[] {
    const schema = JSON.parse(
      readFileSync(join(repoRoot, `helm/${chartName}/values.schema.json`), 'utf8'),
    ) as SchemaNode & { definitions: Record<string, SchemaNode> };
    const walk = (node: SchemaNode, path: string[]): string[] => {
      if (node.$ref === '#/definitions/duration') return [path.join('.')];
      const target = node.$ref ? schema.definitions[node.$ref.replace('#/definitions/', '')] : undefined;
      return [
        ...(target ? walk(target, path) : []),
        ...(node.allOf ?? []).flatMap((part) => walk(part, path)),
        ...Object.entries(node.properties ?? {}).flatMap(([key, child]) => walk(child, [...path, key])),
      ];
    };
    return walk(schema, []);
  }
  const durations = ['device-registry', 'edge-gateway'].flatMap((chartName) =>
    durationPaths(chartName).map((path): [string, string] => [chartName, path]),
  );

  it('finds the routing, pool, outlier detection, ServiceMonitor and ingress durations', () => {
    expect(durations).toEqual(
      expect.arrayContaining([
        ['device-registry', 'routing.timeout'],
        ['device-registry', 'trafficPolicy.portConnectionPools.grpc.connectTimeout'],
        ['device-registry', 'trafficPolicy.outlierDetection.baseEjectionTime'],
        ['device-registry', 'metrics.serviceMonitor.interval'],
        ['edge-gateway', 'gateway.restTimeout'],
      ]),
    );
  });

  // Istio's CRDs refuse a Duration under 1ms (CEL `duration(self) >= duration('1ms')`) at install time.
  it.each(durations)('%s refuses %s=0s, which the API server would refuse', async (chartName, path) => {
    for (const zero of ['0s', '0ms', '00m']) {
      const result = await template(chartName, { flags: ['--set-string', `${path}=${zero}`] });
      expect(result.ok).toBe(false);
      expect(result.stderr).toContain(`at '/${path.replace(/\./g, '/')}'`);
    }
  });

  it('takes 1ms, 10s, 5m and 1h', async () => {
    for (const value of ['1ms', '10s', '5m', '1h'])
      await renders({ flags: ['--set-string', `routing.timeout=${value}`] });
  });
});

describe("another chart's values", () => {
  // Each chart's schema has only the keys its values.yaml sets (helm/service-values.schema.json).
  it.each<[string, string, string]>([
    ['sensor-ingestion', 'storage.kind=postgres', "additional properties 'storage' not allowed"],
    ['edge-gateway', 'storage.kind=sqlite', "additional properties 'storage' not allowed"],
    [chart, 'gateway.enabled=false', "additional properties 'gateway' not allowed"],
    [
      chart,
      'traffic.canaryHeaderAtIngress=true',
      "additional properties 'canaryHeaderAtIngress' not allowed",
    ],
  ])('%s refuses %s, which it does not use', async (other, value, message) => {
    const result = await template(other, { flags: ['--set', value] });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(message);
  });
});

describe("the edge gateway's canary without pods", () => {
  const idle = {
    'autoscaling.enabled': false,
    'canary.enabled': true,
    'canary.image.tag': 'v2',
    'canary.replicas': 0,
  };

  it('renders while no request can reach it: only the ingress gateway may call it, so no mesh header route', async () => {
    const result = await template('edge-gateway', { set: idle });
    expect(result.stderr).toBe('');
    expect(result.ok).toBe(true);
  });

  it('is refused once traffic.canaryHeaderAtIngress sends x-canary: always there', async () => {
    const result = await template('edge-gateway', {
      set: { ...idle, 'traffic.canaryHeaderAtIngress': true },
    });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(
      'canary.replicas=0 with autoscaling.enabled=false, but canary.enabled=true routes',
    );
  });
});

describe('the library checks', () => {
  it('rejects canary on without an image tag', async () => {
    const message = await renderError({ set: { 'canary.enabled': true } });
    expect(message).toContain('canary.enabled=true needs canary.image.tag');
  });

  it('rejects weights that do not add up to 100', async () => {
    const message = await renderError({ set: { 'traffic.stable': 60, 'traffic.canary': 50 } });
    expect(message).toContain('traffic.stable + traffic.canary must be 100 (got 60 + 50)');
  });

  it('rejects a weight of 120 even without the schema', async () => {
    const message = await renderError({ set: { 'traffic.stable': 120 }, flags: withoutSchema });
    expect(message).toContain('traffic.stable must be between 0 and 100 (got 120)');
  });

  it('rejects negative replicas even without the schema', async () => {
    const message = await renderError({ set: { 'canary.replicas': -2 }, flags: withoutSchema });
    expect(message).toContain('canary.replicas must be >= 0 (got -2)');
  });

  it('rejects postgres storage without a Secret for DATABASE_URL', async () => {
    const message = await renderError({ set: { 'storage.kind': 'postgres' } }, chartDefaults);
    expect(message).toContain('storage.kind=postgres needs existingSecret');
  });

  it('requires the stable tag, having no default, and says how to pass it', async () => {
    // helm() passes no tag, unlike template() and lint(), which pass one as meshctl deploy --tag does.
    const [release, path, ...namespace] = releaseArgs(chart);
    const result = await helm(['template', release, path, ...namespace]);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(
      'stable.image.tag is required: pass the image tag to deploy, e.g. meshctl deploy <service> --tag',
    );
  });

  it.each(badTags)('rejects a stable tag with %s even without the schema', async (_why, value) => {
    const message = await renderError({ flags: [...tag('stable', value), ...withoutSchema] });
    expect(message).toContain(`stable.image.tag "${value}" is not a valid Kubernetes label value`);
  });

  it.each(['latest', 'LATEST'])('rejects the moving tag %s, with the schema or without', async (value) => {
    expect(await renderError({ flags: tag('stable', value) })).toContain("at '/stable/image/tag'");
    expect(await renderError({ set: canaryOn, flags: tag('canary', value) })).toContain(
      "at '/canary/image/tag'",
    );
    const message = await renderError({ set: canaryOn, flags: [...tag('canary', value), ...withoutSchema] });
    expect(message).toContain(`canary.image.tag "${value}" is a moving tag`);
  });

  it('rejects a canary tag that is not a label value even without the schema', async () => {
    const message = await renderError({
      set: canaryOn,
      flags: [...tag('canary', '1.4.0-'), ...withoutSchema],
    });
    expect(message).toContain('canary.image.tag "1.4.0-" is not a valid Kubernetes label value');
  });

  describe('with autoscaling off', () => {
    const fixed = { 'autoscaling.enabled': false, 'stable.replicas': 2, 'canary.image.tag': 'v2' };

    it('rejects canary weight on a canary with 0 replicas (an empty subset)', async () => {
      const message = await renderError({ set: { ...fixed, ...canaryOn, 'canary.replicas': 0 } });
      expect(message).toContain(
        'canary.replicas=0 with autoscaling.enabled=false, but the canary track gets 10% of requests',
      );
    });

    it('rejects a stable track with 0 replicas while it gets the traffic', async () => {
      const message = await renderError({ set: { ...fixed, 'stable.replicas': 0 } });
      expect(message).toContain(
        'stable.replicas=0 with autoscaling.enabled=false, but the stable track gets 100% of requests',
      );
    });

    it('rejects an enabled canary with 0 replicas even at weight 0: x-canary: always still goes there', async () => {
      const message = await renderError({
        set: { ...fixed, ...canaryOn, 'traffic.stable': 100, 'traffic.canary': 0, 'canary.replicas': 0 },
      });
      expect(message).toContain(
        'canary.replicas=0 with autoscaling.enabled=false, but canary.enabled=true routes every request with x-canary: always to the canary',
      );
    });

    it('accepts an enabled canary with 0 replicas while it has neither weight nor header route', async () => {
      await renders({
        set: {
          ...fixed,
          ...canaryOn,
          'traffic.stable': 100,
          'traffic.canary': 0,
          'canary.replicas': 0,
          'canary.headerRoute': false,
        },
      });
    });

    it('accepts canary.replicas=0 while the canary is off', async () => {
      await renders({ set: { ...fixed, 'canary.replicas': 0 } });
    });

    it('rejects podDisruptionBudget.minAvailable above the canary replicas', async () => {
      const message = await renderError({
        set: { ...fixed, ...canaryOn, 'stable.replicas': 3, 'podDisruptionBudget.minAvailable': 2 },
      });
      expect(message).toContain(
        'podDisruptionBudget.minAvailable=2 exceeds the 1 pod(s) of the canary track (canary.replicas)',
      );
    });

    it('rejects minAvailable equal to the stable replicas: no pod could ever be evicted', async () => {
      const message = await renderError({
        set: { ...fixed, 'stable.replicas': 3, 'podDisruptionBudget.minAvailable': 3 },
      });
      expect(message).toContain(
        'podDisruptionBudget.minAvailable=3 equals the 3 pod(s) of the stable track (stable.replicas), so none could ever be evicted',
      );
    });

    it('rejects the one-replica stable track with minAvailable 1', async () => {
      const message = await renderError({ set: { ...fixed, 'stable.replicas': 1 } });
      expect(message).toContain('podDisruptionBudget.minAvailable=1 equals the 1 pod(s) of the stable track');
    });

    it('accepts minAvailable below the stable replicas and a 1-pod canary held by its budget, as a count or a percentage', async () => {
      await renders({
        set: { ...fixed, ...canaryOn, 'stable.replicas': 3, 'podDisruptionBudget.minAvailable': 1 },
      });
      // 66% of 3 stable pods rounds up to 2 (one evictable); of the 1 canary pod, to 1.
      await renders({
        set: { ...fixed, ...canaryOn, 'stable.replicas': 3 },
        flags: ['--set-string', 'podDisruptionBudget.minAvailable=66%'],
      });
    });

    it('rejects a percentage that rounds up to all the stable replicas, as Kubernetes rounds it', async () => {
      const message = await renderError({
        set: { ...fixed, ...canaryOn, 'stable.replicas': 3 },
        flags: ['--set-string', 'podDisruptionBudget.minAvailable=67%'],
      });
      expect(message).toContain(
        'podDisruptionBudget.minAvailable=67% (3 pod(s): Kubernetes rounds a percentage up) equals the 3 pod(s) of the stable track (stable.replicas), so none could ever be evicted',
      );
      expect(message).toContain('lower it to 66% or less, or add pods');
    });
  });

  it('rejects podDisruptionBudget.minAvailable above the stable HPA minimum', async () => {
    const message = await renderError({ set: { 'podDisruptionBudget.minAvailable': 3 } });
    expect(message).toContain(
      'podDisruptionBudget.minAvailable=3 exceeds the 2 pod(s) of the stable track (autoscaling.minReplicas)',
    );
  });

  it('rejects podDisruptionBudget.minAvailable equal to the stable HPA minimum', async () => {
    const message = await renderError({ set: { 'podDisruptionBudget.minAvailable': 2 } });
    expect(message).toContain(
      'podDisruptionBudget.minAvailable=2 equals the 2 pod(s) of the stable track (autoscaling.minReplicas)',
    );
  });

  it.each(['51%', '100%'])(
    'rejects podDisruptionBudget.minAvailable=%s of the 2 stable pods of the HPA minimum',
    async (percentage) => {
      const message = await renderError({
        flags: ['--set-string', `podDisruptionBudget.minAvailable=${percentage}`],
      });
      expect(message).toContain(
        `podDisruptionBudget.minAvailable=${percentage} (2 pod(s): Kubernetes rounds a percentage up) equals the 2 pod(s) of the stable track (autoscaling.minReplicas)`,
      );
    },
  );

  it('accepts podDisruptionBudget.minAvailable=50% of the 2 stable pods of the HPA minimum', async () => {
    await renders({ flags: ['--set-string', 'podDisruptionBudget.minAvailable=50%'] });
  });

  it.each(['50%', '1%'])(
    'rejects minAvailable=%s of the one SQLite pod of the chart defaults',
    async (percentage) => {
      const message = await renderError(
        { flags: ['--set-string', `podDisruptionBudget.minAvailable=${percentage}`] },
        chartDefaults,
      );
      expect(message).toContain(
        `podDisruptionBudget.minAvailable=${percentage} (1 pod(s): Kubernetes rounds a percentage up) equals the 1 pod(s) of the stable track (stable.replicas)`,
      );
      expect(message).toContain('lower it to 0% or add pods');
    },
  );

  it('rejects a ServiceMonitor without a scraper the policies let in', async () => {
    const message = await renderError({ set: { 'metrics.serviceMonitor.enabled': true } });
    expect(message).toContain('metrics.serviceMonitor.enabled=true needs metrics.scraperPrincipals');
  });

  it('rejects portConnectionPools for a port the service does not have', async () => {
    const message = await renderError({
      set: { 'trafficPolicy.portConnectionPools.rest.maxConnections': 10 },
    });
    expect(message).toContain(
      'trafficPolicy.portConnectionPools.rest: device-registry has no rest port (its ports: admin, grpc)',
    );
  });

  it('rejects a release outside the service namespace', async () => {
    const [release, path] = releaseArgs(chart);
    const result = await helm(['template', release, path, '--namespace', 'default']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('device-registry must be installed into namespace "device-registry"');
  });
});

describe('SQLite, one database in each pod', () => {
  const sqlite = 'storage.kind=sqlite keeps a separate database in each pod, but this release can run';

  it('runs the chart defaults: one pod', async () => {
    await renders({}, chartDefaults);
  });

  it.each<[string, RenderOptions, string]>([
    ['autoscaling', { set: { 'autoscaling.enabled': true } }, '10 pods (autoscaling.maxReplicas=10)'],
    [
      'two replicas',
      { set: { 'stable.replicas': 2, 'podDisruptionBudget.minAvailable': 1 } },
      '2 pods (stable.replicas=2)',
    ],
    ['a canary', { set: { ...canaryOn, 'canary.image.tag': 'v2' } }, '2 pods (canary.enabled=true)'],
  ])('rejects %s', async (_what, options, pods) => {
    const message = await renderError(options, chartDefaults);
    expect(message).toContain(`${sqlite} ${pods}`);
    expect(message).toContain('Use PostgreSQL (storage.kind=postgres and existingSecret with DATABASE_URL');
  });

  it('rejects sqlite pods in an environment that autoscales', async () => {
    const message = await renderError({ set: { 'storage.kind': 'sqlite' } });
    expect(message).toContain(`${sqlite} 10 pods (autoscaling.maxReplicas=10)`);
  });

  it('accepts several sqlite pods when storage.allowDatabasePerPod says so', async () => {
    await renders(
      { set: { ...canaryOn, 'canary.image.tag': 'v2', 'storage.allowDatabasePerPod': true } },
      chartDefaults,
    );
  });
});

describe('env variables the chart sets itself', () => {
  /** The schema's list, which charts.spec.ts derives from what the templates set. */
  const owned = Object.keys(
    (
      JSON.parse(readFileSync(join(repoRoot, `helm/${chart}/values.schema.json`), 'utf8')) as {
        properties: { env: { properties: Record<string, unknown> } };
      }
    ).properties.env.properties,
  );
  const insteadOf: Record<string, string> = {
    GRPC_PORT: 'it comes from services/catalog.json',
    NOTIFICATION_ADDRESS: "it is notification's Service in the cluster",
    STORAGE: 'set storage.kind instead',
    DATA_DIR: 'set storage.kind instead',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'set tracing.endpoint instead',
    SERVICE_NAME: "it is the chart's (and the namespace's) name",
  };

  it.each(owned)('the schema refuses env.%s', async (name) => {
    const message = await renderError({ flags: ['--set-string', `env.${name}=x`] });
    expect(message).toContain(`at '/env/${name}'`);
  });

  it.each(owned)('the library refuses env.%s too, naming what to set instead', async (name) => {
    const message = await renderError({ flags: ['--set-string', `env.${name}=x`, ...withoutSchema] });
    expect(message).toContain(
      `env.${name} is the chart's to set, and other objects follow the chart's value`,
    );
    if (insteadOf[name]) expect(message).toContain(insteadOf[name]);
  });

  it('takes any other variable, the shutdown timeout and the sampler included', async () => {
    await renders({
      flags: [
        '--set-string',
        'env.LOG_LEVEL=debug',
        '--set-string',
        'env.SHUTDOWN_TIMEOUT_MS=20000',
        '--set-string',
        'env.OTEL_TRACES_SAMPLER=always_on',
      ],
    });
  });
});
