import { readCatalog } from './catalog/generate-catalog-template.js';
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

const canaryOff: ExpectedTraffic = { canaryEnabled: false, stable: 100, canary: 0 };

function canary(stable: number): { options: RenderOptions; traffic: ExpectedTraffic } {
  return {
    options: {
      set: {
        'canary.enabled': true,
        'canary.image.tag': 'v2',
        'traffic.stable': stable,
        'traffic.canary': 100 - stable,
      },
    },
    traffic: { canaryEnabled: true, stable, canary: 100 - stable },
  };
}

/** Non-default everything: resources, fixed replicas, NetworkPolicy, postgres, a ServiceMonitor CRD. */
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
    'env.LOG_LEVEL': 'debug',
  };
  if (storageCharts.includes(chart)) set['storage.kind'] = 'postgres';
  return { set, flags: ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor'] };
}

export function matrixCases(): MatrixCase[] {
  return charts.flatMap((chart) => {
    const cases: MatrixCase[] = [
      { chart, name: 'canary off', options: {}, traffic: canaryOff },
      ...[90, 50, 0].map((stable) => ({
        chart,
        name: `canary ${stable}/${100 - stable}`,
        ...canary(stable),
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
