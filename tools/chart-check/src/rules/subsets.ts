import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** Every subset a VirtualService routes to is declared by the DestinationRule for the same host. */
export function subsetsExist(objects: readonly K8sObject[]): Violations {
  const subsetsByHost = new Map<string, Set<string>>();
  for (const rule of ofKind(objects, 'DestinationRule')) {
    const names = asArray(field(rule.spec, 'subsets')).map((subset) => text(field(subset, 'name')));
    subsetsByHost.set(text(field(rule.spec, 'host')), new Set(names));
  }
  const violations: Violations = [];
  for (const service of ofKind(objects, 'VirtualService')) {
    for (const route of asArray(field(service.spec, 'http'))) {
      for (const destination of asArray(field(route, 'route'))) {
        const host = text(field(destination, 'destination', 'host'));
        const subset = field(destination, 'destination', 'subset');
        if (subset === undefined) continue;
        if (!subsetsByHost.get(host)?.has(text(subset))) {
          violations.push(
            `${describe(service)} routes to subset ${text(subset)} of ${host}, which no DestinationRule declares`,
          );
        }
      }
    }
  }
  return violations;
}
