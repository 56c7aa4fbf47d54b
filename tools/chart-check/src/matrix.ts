import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, repoRoot } from './catalog/generate-catalog-template.js';
import type { RenderOptions } from './helm/helm.js';
import type { ExpectedTraffic } from './rules/traffic.js';

/** One render of one chart: the values, and the traffic split the rules should then find. */
export interface MatrixCase {
  chart: string;
  name: string;
  options: RenderOptions;
  traffic: ExpectedTraffic;
}

export const charts: readonly string[] = readCatalog().map((service) => service.name);
/** Charts whose service keeps state (storage.kind in values.yaml). */
export const storageCharts: readonly string[] = [
  'notification',
  'device-registry',
  'alert-manager',
  'data-processor',
];

const environmentsDir = join(repoRoot, 'deploy/environments');
/** The environments meshctl deploys with (`--environment NAME`): each a directory of values per service. */
export const environments: readonly string[] = existsSync(environmentsDir)
  ? readdirSync(environmentsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];
/** Where a canary runs: a cluster whose stateful services share a database (PostgreSQL). */
export const canaryEnvironment = 'eks';

/** deploy/environments/<environment>/<chart>.yaml, the values meshctl passes with --environment. */
export const environmentValuesFile = (environment: string, chart: string): string =>
  join(environmentsDir, environment, `${chart}.yaml`);

const withEnvironment = (environment: string, chart: string): string[] => [
  '--values',
  environmentValuesFile(environment, chart),
];

const canaryOff: ExpectedTraffic = { canaryEnabled: false, stable: 100, canary: 0 };

function canary(chart: string, stable: number): { options: RenderOptions; traffic: ExpectedTraffic } {
  return {
    options: {
      set: {
        'canary.enabled': true,
        'canary.image.tag': 'v2',
        'traffic.stable': stable,
        'traffic.canary': 100 - stable,
      },
      flags: withEnvironment(canaryEnvironment, chart),
    },
    traffic: { canaryEnabled: true, stable, canary: 100 - stable },
  };
}

/** The lint of each chart: its canary on, in the environment canaries run in. */
export const lintOptions = (chart: string): RenderOptions => canary(chart, 90).options;

/** Non-default everything: resources, fixed replicas, NetworkPolicy, postgres, a ServiceMonitor over mTLS, a longer drain. */
function custom(chart: string): RenderOptions {
  const set: Record<string, string | number | boolean> = {
    'resources.requests.cpu': '250m',
    'resources.requests.memory': '256Mi',
    'resources.limits.cpu': '2',
    'resources.limits.memory': '1Gi',
    'autoscaling.enabled': false,
    'stable.replicas': 3,
    'networkPolicy.enabled': true,
    existingSecret: `${chart}-env`,
    'metrics.scraperPrincipals[0]': 'cluster.local/ns/istio-system/sa/prometheus',
    'metrics.serviceMonitor.enabled': true,
    'env.LOG_LEVEL': 'debug',
    // A drain longer than shutdown.timeoutMs, through env: the grace period and the proxy's drain follow it.
    'env.SHUTDOWN_TIMEOUT_MS': 30000,
  };
  if (storageCharts.includes(chart)) set['storage.kind'] = 'postgres';
  return { set, flags: ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor'] };
}

export function matrixCases(): MatrixCase[] {
  return charts.flatMap((chart) => {
    const cases: MatrixCase[] = [
      { chart, name: 'canary off', options: {}, traffic: canaryOff },
      // The defaults where kube-prometheus-stack runs (monitoring-setup.sh installs the CRD).
      {
        chart,
        name: 'monitoring CRDs',
        options: { flags: ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor'] },
        traffic: canaryOff,
      },
      ...environments.map((environment) => ({
        chart,
        name: `environment ${environment}`,
        options: { flags: withEnvironment(environment, chart) },
        traffic: canaryOff,
      })),
      ...[90, 50, 0].map((stable) => ({
        chart,
        name: `canary ${stable}/${100 - stable}`,
        ...canary(chart, stable),
      })),
      { chart, name: 'custom resources', options: custom(chart), traffic: canaryOff },
    ];
    if (chart === 'edge-gateway') {
      cases.push({
        chart,
        name: 'gateway off',
        options: { set: { 'gateway.enabled': false } },
        traffic: canaryOff,
      });
    }
    return cases;
  });
}

export function caseTitle(matrixCase: MatrixCase): string {
  return `${matrixCase.chart} [${matrixCase.name}]`;
}
