// Every file under istio/ (except the dashboards and Prometheus rules, tested by their owner): the
// manifests against the upstream schemas and our strict specs, the addon values against what ties
// them to the mesh, and the cross-references between istio/, the charts and the catalog.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { readCatalog, repoRoot } from '../src/catalog/generate-catalog-template.js';
import { parseManifest } from '../src/helm/helm.js';
import { field, ofKind, type K8sObject } from '../src/manifest.js';
import { addonValueSchemas } from '../src/schema/addon-values.js';
import { unknownFieldProblems, upstreamProblems } from '../src/schema/validate-object.js';

const istioDir = join(repoRoot, 'istio');
const ownedElsewhere = ['dashboards', 'prometheus'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ownedElsewhere.includes(entry.name) && dir === istioDir ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const files = yamlFiles(istioDir).map((path) => relative(istioDir, path));
const manifestFiles = files.filter((file) => !file.startsWith('addons/'));
const addonFiles = files.filter((file) => file.startsWith('addons/'));
const objectsIn = (file: string): K8sObject[] => parseManifest(readFileSync(join(istioDir, file), 'utf8'));
const allObjects = manifestFiles.flatMap(objectsIn);

it('finds the install profile, mesh config, gateway and the four addons', () => {
  expect(manifestFiles.length).toBeGreaterThanOrEqual(5);
  expect(addonFiles.map((file) => file.replace('addons/', '')).sort()).toEqual(
    Object.keys(addonValueSchemas).sort(),
  );
});

describe.each(manifestFiles)('istio/%s', (file) => {
  it('matches the upstream schemas and has no unknown fields', () => {
    const objects = objectsIn(file);
    expect(objects.length).toBeGreaterThan(0);
    expect(
      objects.flatMap((object) => [...upstreamProblems(object), ...unknownFieldProblems(object)]),
    ).toEqual([]);
  });
});

describe.each(addonFiles)('istio/%s', (file) => {
  it('holds the values that tie the addon to the mesh', () => {
    const schema = addonValueSchemas[file.replace('addons/', '')];
    const result = schema.safeParse(parse(readFileSync(join(istioDir, file), 'utf8')));
    expect(
      result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    ).toEqual([]);
  });
});

describe('the addon Prometheus', () => {
  it("evaluates the project's rules: istio-setup.sh's values for it hold istio/prometheus/rules.yaml's groups", () => {
    // What istio-setup.sh passes to helm for the prometheus release besides istio/addons/prometheus-values.yaml.
    const generated = execFileSync(
      'bash',
      ['-c', 'source setup-scripts/lib/common.sh && prometheus_rules_values'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    const values = parse(generated) as {
      serverFiles?: Record<string, { groups?: unknown[] } | undefined>;
    };
    const rules = parse(readFileSync(join(istioDir, 'prometheus/rules.yaml'), 'utf8')) as {
      groups: unknown[];
    };
    expect(values.serverFiles?.['alerting_rules.yml']?.groups).toEqual(rules.groups);
    expect(readFileSync(join(repoRoot, 'setup-scripts/istio-setup.sh'), 'utf8')).toMatch(
      /prometheus_rules_values >"\$rules_values"/,
    );
  });
});

describe('mesh-wide settings', () => {
  it('enforces STRICT mTLS for the whole mesh from the root namespace', () => {
    const [policy] = ofKind(allObjects, 'PeerAuthentication');
    expect(policy?.metadata).toMatchObject({ name: 'default', namespace: 'istio-system' });
    expect(field(policy?.spec, 'mtls', 'mode')).toBe('STRICT');
  });

  it('serves the edge gateway host over TLS from a referenced certificate Secret', () => {
    const [gateway] = ofKind(allObjects, 'Gateway');
    expect(gateway?.metadata).toMatchObject({ name: 'iot-mesh-gateway', namespace: 'istio-system' });
    const https = (field(gateway?.spec, 'servers') as unknown[]).find(
      (s) => field(s, 'port', 'protocol') === 'HTTPS',
    );
    expect(field(https, 'tls', 'mode')).toBe('SIMPLE');
    expect(field(https, 'tls', 'credentialName')).toBe('iot-mesh-gateway-cert');
    const edgeValues = parse(readFileSync(join(repoRoot, 'helm/edge-gateway/values.yaml'), 'utf8')) as {
      gateway: { name: string; hosts: string[] };
    };
    expect(edgeValues.gateway.name).toBe('istio-system/iot-mesh-gateway');
    expect(field(https, 'hosts')).toEqual(expect.arrayContaining(edgeValues.gateway.hosts));
  });

  it('traces through the provider the install profile defines', () => {
    const [operator] = ofKind(allObjects, 'IstioOperator');
    const providers = (field(operator?.spec, 'meshConfig', 'extensionProviders') as { name: string }[]).map(
      (p) => p.name,
    );
    const [telemetry] = ofKind(allObjects, 'Telemetry');
    const tracing = field(telemetry?.spec, 'tracing', 0);
    expect(providers).toContain(field(tracing, 'providers', 0, 'name'));
    expect(field(tracing, 'randomSamplingPercentage')).toBeGreaterThan(0);
    expect(field(operator?.spec, 'meshConfig', 'enableTracing')).toBe(true);
    expect(field(operator?.spec, 'meshConfig', 'accessLogFile')).toBe('/dev/stdout');
  });

  // A tag copied from a request header holds what the caller sent (x-canary: always, or nothing), not
  // the track the request went to, which the weights decide (the services' spans carry deployment.track).
  it('names each span tag copied from a request header after the header, so none reads as the track', () => {
    const [telemetry] = ofKind(allObjects, 'Telemetry');
    const tags = Object.entries(
      (field(telemetry?.spec, 'tracing', 0, 'customTags') ?? {}) as Record<string, unknown>,
    );
    const fromHeaders = tags.flatMap(([name, tag]) => {
      const header = field(tag, 'header', 'name');
      return typeof header === 'string' ? [[name, header]] : [];
    });
    expect(fromHeaders.length).toBeGreaterThan(0);
    for (const [name, header] of fromHeaders)
      expect([header, name]).toEqual([header, `${header.replace(/^x-/, '').replace(/-/g, '_')}_header`]);
  });

  it("sends the services' spans to the Jaeger collector the proxies send theirs to, on its OTLP/HTTP port", () => {
    const [operator] = ofKind(allObjects, 'IstioOperator');
    const provider = (
      field(operator?.spec, 'meshConfig', 'extensionProviders') as {
        name: string;
        opentelemetry?: { service: string };
      }[]
    ).find((p) => p.name === 'otel-tracing');
    for (const { name } of readCatalog()) {
      const values = parse(readFileSync(join(repoRoot, `helm/${name}/values.yaml`), 'utf8')) as {
        tracing: { endpoint: string };
      };
      const endpoint = new URL(values.tracing.endpoint);
      // The SDK sends OTLP/HTTP (protobuf) by default, which Jaeger takes on 4318 (gRPC on 4317).
      expect([name, endpoint.protocol, endpoint.hostname, endpoint.port]).toEqual([
        name,
        'http:',
        provider?.opentelemetry?.service,
        '4318',
      ]);
    }
  });

  it('declares one injection-labelled namespace per catalog service', () => {
    const namespaces = ofKind(allObjects, 'Namespace');
    expect(namespaces.map((ns) => ns.metadata.name).sort()).toEqual(
      readCatalog()
        .map((s) => s.name)
        .sort(),
    );
    for (const ns of namespaces) expect(ns.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });
});
