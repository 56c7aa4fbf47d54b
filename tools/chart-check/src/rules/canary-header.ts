import type { ChartService } from '../catalog/generate-catalog-template.js';
import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

const gatewaysOf = (value: unknown): string[] => asArray(value).map(text);

interface HeaderMatch {
  service: K8sObject;
  route: string;
  /** The gateways the match applies to: its own, else its VirtualService's (`mesh` when it has none). */
  gateways: string[];
}

/** Every `x-canary` match of the VirtualServices, with the gateways whose traffic it applies to. */
function canaryHeaderMatches(objects: readonly K8sObject[]): HeaderMatch[] {
  return ofKind(objects, 'VirtualService').flatMap((service) => {
    const bound = gatewaysOf(field(service.spec, 'gateways'));
    return asArray(field(service.spec, 'http')).flatMap((route) =>
      asArray(field(route, 'match'))
        .filter((match) => field(match, 'headers', 'x-canary') !== undefined)
        .map((match) => {
          const own = gatewaysOf(field(match, 'gateways'));
          const gateways = own.length > 0 ? own : bound.length > 0 ? bound : ['mesh'];
          return { service, route: text(field(route, 'name')), gateways };
        }),
    );
  });
}

/**
 * No `x-canary` match applies to traffic from an ingress Gateway (anything but `mesh`), so clients on the
 * internet cannot opt into the canary. A match without `gateways` applies to every gateway of its
 * VirtualService, and a VirtualService without `gateways` is bound to the mesh only.
 */
export function canaryHeaderOnlyInMesh(objects: readonly K8sObject[]): Violations {
  return canaryHeaderMatches(objects).flatMap(({ service, route, gateways }) => {
    const ingress = gateways.filter((gateway) => gateway !== 'mesh');
    return ingress.length > 0
      ? [`${describe(service)} route ${route}: x-canary honoured for traffic from ${ingress.join(', ')}`]
      : [];
  });
}

/**
 * An `x-canary` match for mesh traffic only on a service some mesh caller may call (its catalog callers,
 * whom the AuthorizationPolicy lets in): on any other (the edge gateway, which only the ingress gateway
 * may call) no request could ever take it.
 */
export function meshCanaryHeaderHasCallers(
  objects: readonly K8sObject[],
  catalog: Record<string, ChartService>,
): Violations {
  return canaryHeaderMatches(objects)
    .filter(({ service, gateways }) => {
      const callers = catalog[service.metadata.name]?.callers ?? {};
      return gateways.includes('mesh') && Object.keys(callers).length === 0;
    })
    .map(
      ({ service, route }) =>
        `${describe(service)} route ${route}: x-canary for mesh callers, but none may call it`,
    );
}
