import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** Identities outside our charts that policies may name: the ingress gateway and the Prometheus addon (istio/). */
export const externalPrincipals: readonly string[] = [
  'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
  'cluster.local/ns/istio-system/sa/prometheus',
];

export function principalsOf(policy: K8sObject): string[] {
  return asArray(field(policy.spec, 'rules')).flatMap((rule) =>
    asArray(field(rule, 'from')).flatMap((from) => asArray(field(from, 'source', 'principals')).map(text)),
  );
}

/** Every AuthorizationPolicy principal is a ServiceAccount one of the rendered charts creates (or a known external one). */
export function principalsAreServiceAccounts(
  objects: readonly K8sObject[],
  allowedExternal: readonly string[] = externalPrincipals,
): Violations {
  const created = new Set(
    ofKind(objects, 'ServiceAccount').map(
      (account) => `cluster.local/ns/${account.metadata.namespace}/sa/${account.metadata.name}`,
    ),
  );
  const violations: Violations = [];
  for (const policy of ofKind(objects, 'AuthorizationPolicy')) {
    for (const principal of principalsOf(policy)) {
      if (!created.has(principal) && !allowedExternal.includes(principal)) {
        violations.push(`${describe(policy)} allows ${principal}, a ServiceAccount no chart creates`);
      }
    }
  }
  return violations;
}
