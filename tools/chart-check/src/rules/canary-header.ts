import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

const gatewaysOf = (value: unknown): string[] => asArray(value).map(text);

/**
 * No `x-canary` match applies to traffic from an ingress Gateway (anything but `mesh`), so clients on the
 * internet cannot opt into the canary. A match without `gateways` applies to every gateway of its
 * VirtualService, and a VirtualService without `gateways` is bound to the mesh only.
 */
export function canaryHeaderOnlyInMesh(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const service of ofKind(objects, 'VirtualService')) {
    const bound = gatewaysOf(field(service.spec, 'gateways'));
    for (const route of asArray(field(service.spec, 'http'))) {
      for (const match of asArray(field(route, 'match'))) {
        if (field(match, 'headers', 'x-canary') === undefined) continue;
        const own = gatewaysOf(field(match, 'gateways'));
        const ingress = (own.length > 0 ? own : bound).filter((gateway) => gateway !== 'mesh');
        if (ingress.length > 0) {
          violations.push(
            `${describe(service)} route ${text(field(route, 'name'))}: x-canary honoured for traffic from ${ingress.join(', ')}`,
          );
        }
      }
    }
  }
  return violations;
}
