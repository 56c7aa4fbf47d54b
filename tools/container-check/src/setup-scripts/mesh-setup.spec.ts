import { readdirSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { existsInRepo, readCatalog, readRepoFile, repoPath } from '../repo.js';
import { Sandbox } from './sandbox.js';

const services = readCatalog().map((service) => service.name);
const documents = (text: string) =>
  parseAllDocuments(text)
    .map((document) => document.toJS() as Record<string, unknown> & { metadata: Record<string, unknown> })
    .filter(Boolean);
/** The manifest a --dry-run printed after its `+ kubectl apply -f -` line. */
const printedManifest = (stdout: string) => stdout.slice(stdout.indexOf('+ kubectl apply -f -\n') + 21);
const filesIn = (dir: string, pattern: RegExp) =>
  (existsInRepo(dir) ? readdirSync(repoPath(dir)) : []).filter((name) => pattern.test(name)).sort();

let sandbox: Sandbox;
beforeAll(() => (sandbox = new Sandbox()));
afterAll(() => sandbox.cleanup());
beforeEach(() => sandbox.clearCalls());

describe('create-namespaces.sh', () => {
  it('prints one namespace per catalog service, labelled for sidecar injection, under --dry-run', () => {
    const run = sandbox.run('create-namespaces.sh', ['--dry-run']);
    expect(run.status).toBe(0);
    const namespaces = documents(printedManifest(run.stdout));
    expect(namespaces.map((namespace) => namespace.metadata['name'])).toEqual(services);
    for (const namespace of namespaces) {
      expect(namespace).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
      expect(namespace.metadata['labels']).toMatchObject({ 'istio-injection': 'enabled' });
    }
    expect(sandbox.calls()).toEqual([]);
  });

  it('applies the same manifest through kubectl, once per run', () => {
    expect(sandbox.run('create-namespaces.sh', ['notification']).status).toBe(0);
    expect(sandbox.calls()).toEqual(['kubectl apply -f -']);
    expect(documents(sandbox.stdin()).map((namespace) => namespace.metadata['name'])).toEqual([
      'notification',
    ]);
  });
});

describe('deploy-all.sh', () => {
  const check = (service: string, flags = '--tag dev') => `meshctl release check ${service} ${flags}`;

  it('creates the namespaces, checks every release, then deploys every service in the catalog (dependency) order', () => {
    const run = sandbox.run('deploy-all.sh', ['--tag', '1.4.0'], { MESHCTL: 'meshctl' });
    expect(run.status).toBe(0);
    expect(sandbox.calls()).toEqual([
      'kubectl apply -f -',
      ...services.map((service) => check(service, '--tag 1.4.0')),
      ...services.map((service) => `meshctl deploy ${service} --tag 1.4.0`),
    ]);
    expect(documents(sandbox.stdin())).toHaveLength(services.length);
  });

  it("deploys nothing when a release check is refused (the edge gateway's Secret missing), naming it", () => {
    const refused = new Sandbox({ responses: { [`${check('edge-gateway')}*`]: { status: 1 } } });
    try {
      const run = refused.run('deploy-all.sh', [], { MESHCTL: 'meshctl' });
      expect(run.status).toBe(1);
      expect(refused.calls()).toEqual(['kubectl apply -f -', ...services.map((service) => check(service))]);
      expect(run.stderr).toContain('nothing deployed: meshctl release check refused edge-gateway (above)');
      // Without the gateway among the services its refusal does not stop the others.
      refused.clearCalls();
      expect(
        refused.run('deploy-all.sh', ['--skip-namespaces', 'notification'], { MESHCTL: 'meshctl' }).status,
      ).toBe(0);
      expect(refused.calls()).toEqual([check('notification'), 'meshctl deploy notification --tag dev']);
    } finally {
      refused.cleanup();
    }
  });

  it('passes the environment to every check and deploy, and refuses an unknown one before anything runs', () => {
    expect(
      sandbox.run('deploy-all.sh', ['--skip-namespaces', '--environment', 'eks', 'edge-gateway'], {
        MESHCTL: 'meshctl',
      }).status,
    ).toBe(0);
    expect(sandbox.calls()).toEqual([
      check('edge-gateway', '--tag dev --environment eks'),
      'meshctl deploy edge-gateway --tag dev --environment eks',
    ]);
    sandbox.clearCalls();
    const unknown = sandbox.run('deploy-all.sh', ['--environment', 'staging'], { MESHCTL: 'meshctl' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--environment 'staging' is not one of deploy/environments/: eks");
    expect(sandbox.calls()).toEqual([]);
  });

  it('keeps the catalog order for a chosen subset and only prints under --dry-run', () => {
    const run = sandbox.run('deploy-all.sh', [
      '--dry-run',
      '--skip-namespaces',
      'edge-gateway',
      'notification',
    ]);
    expect(run.status).toBe(0);
    expect(run.planned).toEqual([
      'node tools/meshctl/dist/main.js deploy notification --tag dev',
      'node tools/meshctl/dist/main.js deploy edge-gateway --tag dev',
    ]);
    expect(sandbox.calls()).toEqual([]);
  });

  it('stops at the first failing deploy', () => {
    const failing = new Sandbox({ responses: { 'meshctl deploy alert-manager*': { status: 1 } } });
    try {
      const run = failing.run('deploy-all.sh', ['--skip-namespaces'], { MESHCTL: 'meshctl' });
      expect(run.status).toBe(1);
      expect(failing.calls().at(-1)).toBe('meshctl deploy alert-manager --tag dev');
      expect(failing.calls()).not.toContain('meshctl deploy edge-gateway --tag dev');
    } finally {
      failing.cleanup();
    }
  });
});

describe('istio-setup.sh', () => {
  const profile = 'istio/install/istio-operator.yaml';
  const addons = [
    ['prometheus', 'prometheus-community/prometheus', '27.20.0'],
    ['jaeger', 'jaegertracing/jaeger', '3.4.1'],
    ['grafana', 'grafana/grafana', '9.2.10'],
    ['kiali', 'kiali/kiali-server', '2.11.0'],
  ];
  const secretsMissing = { 'kubectl get secret*': { status: 1 } };

  it('installs the profile, applies the mesh config, then the addons with our values, and waits for each', () => {
    expect(readFileSync(repoPath(profile), 'utf8')).toMatch(/^kind: IstioOperator$/m);
    const fresh = new Sandbox({ responses: secretsMissing });
    try {
      const run = fresh.run('istio-setup.sh', ['--dry-run']);
      expect(run.status).toBe(0);
      expect(run.planned).toEqual([
        `istioctl install -y -f ${profile}`,
        'kubectl rollout status deployment/istiod -n istio-system --timeout=300s',
        'kubectl apply -f istio/mesh/',
        'kubectl apply -f istio/gateway/',
        'kubectl create secret generic grafana-admin -n istio-system --from-literal=admin-user=admin ' +
          '--from-file=admin-password=/dev/stdin',
        ...(filesIn('istio/dashboards', /\.json$/).length > 0 ? ['kubectl apply -f -'] : []),
        'helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update',
        'helm repo add jaegertracing https://jaegertracing.github.io/helm-charts --force-update',
        'helm repo add grafana https://grafana.github.io/helm-charts --force-update',
        'helm repo add kiali https://kiali.org/helm-charts --force-update',
        ...addons.map(([release, chart, version]) => {
          const ours =
            `helm upgrade --install ${release} ${chart} --namespace istio-system --version ${version} ` +
            `--values istio/addons/${release}-values.yaml`;
          // The addon Prometheus also gets the project's rules, written to a temporary values file.
          const withRules = expect.stringMatching(new RegExp(`^${ours} --values \\S+$`)) as unknown as string;
          return release === 'prometheus' ? withRules : ours;
        }),
        ...addons.map(
          ([release]) => `kubectl rollout status deployment/${release} -n istio-system --timeout=300s`,
        ),
      ]);
      for (const [release] of addons) expect(existsInRepo(`istio/addons/${release}-values.yaml`)).toBe(true);
      // Only the look-ups ran; the missing gateway certificate is pointed out.
      expect(fresh.calls()).toEqual([
        'kubectl get secret iot-mesh-gateway-cert -n istio-system',
        'kubectl get secret grafana-admin -n istio-system',
      ]);
      expect(run.stderr).toContain('create secret tls iot-mesh-gateway-cert');
    } finally {
      fresh.cleanup();
    }
  });

  it('keeps existing secrets on a second run and never puts the Grafana password on a command line', () => {
    const fresh = new Sandbox({ responses: secretsMissing });
    try {
      expect(fresh.run('istio-setup.sh', [], { GRAFANA_ADMIN_PASSWORD: 's3cret-pw' }).status).toBe(0);
      expect(fresh.calls().join('\n')).not.toContain('s3cret-pw');
      expect(fresh.stdin()).toContain('s3cret-pw');
      expect(fresh.calls().filter((call) => call.startsWith('kubectl create secret'))).toHaveLength(1);
    } finally {
      fresh.cleanup();
    }
    // Recorders answer every look-up with success here: both secrets exist.
    expect(sandbox.run('istio-setup.sh', []).status).toBe(0);
    expect(sandbox.calls().filter((call) => call.startsWith('kubectl create secret'))).toEqual([]);
  });

  it('skips the addons when asked', () => {
    expect(sandbox.run('istio-setup.sh', ['--skip-addons', '--timeout', '5m']).status).toBe(0);
    expect(sandbox.calls()).toEqual([
      `istioctl install -y -f ${profile}`,
      'kubectl rollout status deployment/istiod -n istio-system --timeout=5m',
      'kubectl apply -f istio/mesh/',
      'kubectl apply -f istio/gateway/',
      'kubectl get secret iot-mesh-gateway-cert -n istio-system',
    ]);
  });

  it('fetches istioctl of the pinned release when it is missing', () => {
    const bare = new Sandbox({ recorders: ['kubectl', 'helm', 'curl', 'tar', 'install'] });
    try {
      const run = bare.run('istio-setup.sh', ['--dry-run', '--skip-addons', '--bin-dir', '/opt/bin'], {
        ISTIO_VERSION: '1.26.4',
      });
      expect(run.status).toBe(0);
      const downloads = `${bare.tmp}/iot-mesh-downloads/istioctl`;
      expect(run.planned.slice(0, 4)).toEqual([
        `mkdir -p ${downloads}`,
        `curl -fsSLo ${downloads}/istioctl.tar.gz https://github.com/istio/istio/releases/download/1.26.4/istioctl-1.26.4-linux-${process.arch === 'arm64' ? 'arm64' : 'amd64'}.tar.gz`,
        `tar -xzf ${downloads}/istioctl.tar.gz -C ${downloads} istioctl`,
        `install -D -m 0755 ${downloads}/istioctl /opt/bin/istioctl`,
      ]);
    } finally {
      bare.cleanup();
    }
  });
});

describe('monitoring-setup.sh', () => {
  const ruleFiles = filesIn('istio/prometheus', /\.ya?ml$/).filter((name) =>
    /^groups:/m.test(readFileSync(repoPath('istio/prometheus', name), 'utf8')),
  );
  const dashboards = filesIn('istio/dashboards', /\.json$/);

  it('installs kube-prometheus-stack at the pinned version with our values', () => {
    const run = sandbox.run('monitoring-setup.sh', ['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.planned.slice(0, 2)).toEqual([
      'helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update',
      'helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack --namespace monitoring ' +
        '--create-namespace --version 77.0.0 --values setup-scripts/monitoring/values.yaml --wait',
    ]);
  });

  it('turns every rule file into a PrometheusRule and every dashboard into a Grafana ConfigMap', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(dashboards.length).toBeGreaterThan(0);
    expect(sandbox.run('monitoring-setup.sh', ['--namespace', 'observability']).status).toBe(0);
    const objects = documents(sandbox.stdin());
    const rules = objects.filter((object) => object['kind'] === 'PrometheusRule');
    expect(rules).toHaveLength(ruleFiles.length);
    for (const rule of rules) expect(rule.metadata['namespace']).toBe('observability');
    const configMaps = objects.filter((object) => object['kind'] === 'ConfigMap');
    expect(configMaps.map((configMap) => Object.keys(configMap['data'] as object)[0])).toEqual(dashboards);
    for (const [index, configMap] of configMaps.entries()) {
      expect(configMap.metadata['labels']).toEqual({ grafana_dashboard: '1' });
      const json = (configMap['data'] as Record<string, string>)[dashboards[index] ?? ''] ?? '';
      expect(JSON.parse(json)).toEqual(
        JSON.parse(readFileSync(repoPath('istio/dashboards', dashboards[index] ?? ''), 'utf8')),
      );
    }
  });

  it('scrapes the pods through Istio metrics merging, keeping the track label the analysis needs', () => {
    const values = parse(readRepoFile('setup-scripts/monitoring/values.yaml')) as {
      prometheus: {
        prometheusSpec: { additionalScrapeConfigs: { relabel_configs: Record<string, unknown>[] }[] };
      };
    };
    const [job] = values.prometheus.prometheusSpec.additionalScrapeConfigs;
    expect(job?.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_track'], target_label: 'track' },
        { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'app' },
        expect.objectContaining({
          source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
          action: 'keep',
        }),
      ]),
    );
    expect(readRepoFile('istio/install/istio-operator.yaml')).toMatch(/enablePrometheusMerge: true/);
  });
});
