import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** The number of a container port named `name` in any Deployment's pods. */
function containerPort(objects: readonly K8sObject[], name: string): string | undefined {
  const ports = ofKind(objects, 'Deployment').flatMap((deployment) =>
    asArray(field(deployment.spec, 'template', 'spec', 'containers')).flatMap((c) =>
      asArray(field(c, 'ports')),
    ),
  );
  const port = ports.find((p) => field(p, 'name') === name);
  return port === undefined ? undefined : text(field(port, 'containerPort'));
}

/** The workload port (what AuthorizationPolicy ports name) a Service port name leads to. */
function targetPort(objects: readonly K8sObject[], portName: string): string | undefined {
  for (const service of ofKind(objects, 'Service')) {
    const port = asArray(field(service.spec, 'ports')).find((p) => field(p, 'name') === portName);
    if (!port) continue;
    const target = field(port, 'targetPort') ?? field(port, 'port');
    return typeof target === 'string' ? containerPort(objects, target) : text(target);
  }
  return undefined;
}

/** Whether an ALLOW policy lets some principal reach the port (the deny-all policy closes every other). */
function portAllowed(objects: readonly K8sObject[], port: string): boolean {
  return ofKind(objects, 'AuthorizationPolicy')
    .filter((policy) => field(policy.spec, 'action') === 'ALLOW')
    .flatMap((policy) => asArray(field(policy.spec, 'rules')))
    .some(
      (rule) =>
        asArray(field(rule, 'from')).some(
          (from) => asArray(field(from, 'source', 'principals')).length > 0,
        ) &&
        asArray(field(rule, 'to')).some((to) =>
          asArray(field(to, 'operation', 'ports'))
            .map(text)
            .includes(port),
        ),
    );
}

/**
 * Every ServiceMonitor endpoint can be scraped under STRICT mTLS and the deny-all policy: it scrapes over
 * https with a client certificate, and an ALLOW rule names a principal for its port. Otherwise its targets
 * stay down for good (and kube-prometheus-stack's TargetDown alert fires).
 */
export function serviceMonitorsCanScrape(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const monitor of ofKind(objects, 'ServiceMonitor')) {
    for (const endpoint of asArray(field(monitor.spec, 'endpoints'))) {
      const name = text(field(endpoint, 'port'));
      if (field(endpoint, 'scheme') !== 'https' || !field(endpoint, 'tlsConfig', 'certFile')) {
        violations.push(
          `${describe(monitor)} scrapes ${name} without a client certificate: STRICT mTLS refuses it`,
        );
      }
      const port = targetPort(objects, name);
      if (port === undefined)
        violations.push(`${describe(monitor)} scrapes ${name}, which no Service port is named`);
      else if (!portAllowed(objects, port)) {
        violations.push(
          `${describe(monitor)} scrapes port ${port}, which no AuthorizationPolicy lets anyone reach`,
        );
      }
    }
  }
  return violations;
}
