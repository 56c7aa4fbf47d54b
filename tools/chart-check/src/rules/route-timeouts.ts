import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration as the values schema allows them (a whole number of ms, s, m or h). */
export function durationMs(value: unknown): number | undefined {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text(value));
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

/** Whether a route serves the mesh (the sidecars of callers), not only the ingress Gateway. */
function servesMesh(route: unknown): boolean {
  const matches = asArray(field(route, 'match'));
  if (matches.length === 0) return true;
  return matches.some((match) => {
    const gateways = field(match, 'gateways');
    return gateways === undefined || asArray(gateways).includes('mesh');
  });
}

/**
 * Each mesh route of a service times out (route timeout and per-try timeout alike) later than the
 * longest deadline its callers give their calls (`longestDeadlineMs` by VirtualService name). Envoy
 * answers its own timeout UNAVAILABLE "upstream request timeout" (envoyproxy/envoy#10184), which a
 * caller reads as "not taken" although the call may still complete; the caller's own deadline ends
 * it as DEADLINE_EXCEEDED, "may have taken effect".
 */
export function routeTimeoutsOutlastCallerDeadlines(
  objects: readonly K8sObject[],
  longestDeadlineMs: Readonly<Record<string, number>>,
): Violations {
  const violations: Violations = [];
  for (const service of ofKind(objects, 'VirtualService')) {
    const deadline = longestDeadlineMs[service.metadata.name];
    if (deadline === undefined) continue;
    for (const [index, route] of asArray(field(service.spec, 'http')).entries()) {
      if (!servesMesh(route)) continue;
      const timeouts = {
        timeout: field(route, 'timeout'),
        perTryTimeout: field(route, 'retries', 'perTryTimeout'),
      };
      for (const [name, value] of Object.entries(timeouts)) {
        if (value === undefined) continue;
        const ms = durationMs(value);
        if (ms === undefined || ms <= deadline)
          violations.push(
            `${describe(service)} route ${text(field(route, 'name') ?? index)}: ${name} ${text(value)} ` +
              `is not above its callers' longest deadline, ${deadline}ms`,
          );
      }
    }
  }
  return violations;
}
