import { HEALTH_CHECK_PATH, type ChartService } from '../catalog/generate-catalog-template.js';
import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/**
 * Each service's allow policy grants exactly the catalog's callers their catalog methods, and the gRPC
 * health check to the callers that report it, nothing more.
 */
export function policiesMatchCatalog(
  objects: readonly K8sObject[],
  catalog: Record<string, ChartService>,
): Violations {
  const violations: Violations = [];
  for (const policy of ofKind(objects, 'AuthorizationPolicy')) {
    const service = catalog[policy.metadata.name];
    if (!service) continue; // the deny-all policy and foreign policies
    const granted = new Map<string, string[]>();
    for (const rule of asArray(field(policy.spec, 'rules'))) {
      const paths = asArray(field(rule, 'to')).flatMap((to) =>
        asArray(field(to, 'operation', 'paths')).map(text),
      );
      for (const principal of asArray(field(rule, 'from')).flatMap((from) =>
        asArray(field(from, 'source', 'principals')),
      )) {
        const caller = /^cluster\.local\/ns\/([^/]+)\/sa\/\1$/.exec(text(principal))?.[1];
        if (caller && caller in catalog)
          granted.set(caller, [...(granted.get(caller) ?? []), ...paths].sort());
      }
    }
    const expected = new Map(
      Object.entries(service.callers).map(([caller, methods]) => [
        caller,
        [
          ...methods.map((m) => `/${service.api}/${m}`),
          ...(service.healthCheckers.includes(caller) ? [HEALTH_CHECK_PATH] : []),
        ].sort(),
      ]),
    );
    for (const caller of new Set([...granted.keys(), ...expected.keys()])) {
      const want = JSON.stringify(expected.get(caller) ?? []);
      const got = JSON.stringify(granted.get(caller) ?? []);
      if (want !== got)
        violations.push(`${describe(policy)}: ${caller} is granted ${got}, catalog says ${want}`);
    }
  }
  return violations;
}
