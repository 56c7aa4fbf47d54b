import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

const ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** A container's environment: its own `env` over the ConfigMaps it loads with `envFrom`. */
function environmentOf(container: unknown, objects: readonly K8sObject[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const source of asArray(field(container, 'envFrom'))) {
    const name = field(source, 'configMapRef', 'name');
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === name);
    for (const [key, value] of Object.entries((field(config, 'data') ?? {}) as Record<string, unknown>))
      env.set(key, text(value));
  }
  for (const variable of asArray(field(container, 'env'))) {
    const value = field(variable, 'value');
    if (value !== undefined) env.set(text(field(variable, 'name')), text(value));
  }
  return env;
}

/** Each Deployment's containers with the OTLP endpoint they export spans to (undefined: none). */
function endpoints(objects: readonly K8sObject[]): { deployment: K8sObject; endpoint?: string }[] {
  return ofKind(objects, 'Deployment').flatMap((deployment) =>
    asArray(field(deployment.spec, 'template', 'spec', 'containers')).map((container) => ({
      deployment,
      endpoint: environmentOf(container, objects).get(ENDPOINT) || undefined,
    })),
  );
}

/**
 * Every container of every Deployment exports its spans: OTEL_EXPORTER_OTLP_ENDPOINT is set, in its
 * env or a ConfigMap it loads. Without it the services install no span processor at all and the
 * traces hold only Envoy's spans.
 */
export function deploymentsExportSpans(objects: readonly K8sObject[]): Violations {
  return endpoints(objects)
    .filter(({ endpoint }) => endpoint === undefined)
    .map(({ deployment }) => `${describe(deployment)} sets no ${ENDPOINT}: its spans are never exported`);
}

/** The host of a URL as a cluster Service's FQDN when it names one (`svc.ns`, `svc.ns.svc[...]`). */
function clusterHost(host: string, namespace: string): { namespace: string; fqdn: string } | undefined {
  const labels = host.split('.');
  const [service = '', ns = namespace] = labels;
  if (labels.length === 1) return { namespace, fqdn: `${service}.${namespace}.svc.cluster.local` };
  if (labels.length === 2 || host.endsWith('.svc') || host.endsWith('.svc.cluster.local'))
    return { namespace: ns, fqdn: `${service}.${ns}.svc.cluster.local` };
  return undefined;
}

/** Whether a Sidecar egress host (`namespace/dnsName`, Istio's syntax) covers `host` in `namespace`. */
function egressCovers(entry: string, sidecarNamespace: string, namespace: string | undefined, host: string) {
  const [ns = '', dnsName = ''] = entry.split('/');
  const namespaceOk = ns === '*' || (ns === '.' ? sidecarNamespace === namespace : ns === namespace);
  const hostOk =
    dnsName === '*' || dnsName === host || (dnsName.startsWith('*.') && host.endsWith(dnsName.slice(1)));
  return namespaceOk && hostOk;
}

/**
 * The Sidecar of a Deployment's namespace lets its proxy reach the OTLP endpoint: with
 * REGISTRY_ONLY, a host its egress does not list is answered by Envoy's BlackHoleCluster and every
 * export fails. A collector outside the cluster needs egress to the namespace of its ServiceEntry
 * (or `*`), or ALLOW_ANY.
 */
export function tracingEndpointReachable(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const { deployment, endpoint } of endpoints(objects)) {
    if (endpoint === undefined) continue;
    const namespace = deployment.metadata.namespace ?? '';
    let host: string;
    try {
      host = new URL(endpoint).hostname;
    } catch {
      violations.push(`${describe(deployment)}: ${ENDPOINT} ${endpoint} is not a URL`);
      continue;
    }
    const target = clusterHost(host, namespace);
    for (const sidecar of ofKind(objects, 'Sidecar').filter((s) => s.metadata.namespace === namespace)) {
      if (field(sidecar.spec, 'outboundTrafficPolicy', 'mode') === 'ALLOW_ANY') continue;
      const hosts = asArray(field(sidecar.spec, 'egress')).flatMap((egress) =>
        asArray(field(egress, 'hosts')).map(text),
      );
      if (!hosts.some((entry) => egressCovers(entry, namespace, target?.namespace, target?.fqdn ?? host))) {
        violations.push(
          `${describe(sidecar)} lets ${describe(deployment)} reach no ${target?.fqdn ?? host}, ` +
            `where its ${ENDPOINT} sends spans (egress: ${hosts.join(', ')})`,
        );
      }
    }
  }
  return violations;
}
