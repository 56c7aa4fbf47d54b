import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** What a port-level policy must repeat: Istio inherits none of it from the destination level. */
const REPEATED = ['tls', 'loadBalancer', 'outlierDetection'] as const;
/** The limits of a pool that, left out, fall back to Istio's default of 2^32-1 (no limit). */
const LIMITS = [
  ['tcp', 'maxConnections'],
  ['http', 'http1MaxPendingRequests'],
  ['http', 'http2MaxRequests'],
] as const;

function missingLimits(pool: unknown): string[] {
  return LIMITS.filter(([group, name]) => field(pool, group, name) === undefined).map(
    ([group, name]) => `${group}.${name}`,
  );
}

/**
 * Every connection pool of a DestinationRule sets its limits, http1MaxPendingRequests included, so a full
 * pool answers 503 at once instead of queueing without bound; and every portLevelSettings entry repeats the
 * destination-level tls, loadBalancer and outlierDetection and has a pool of its own: Istio does not
 * inherit into port-level settings, a field left out there falls back to Istio's default.
 */
export function connectionPoolsBounded(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const rule of ofKind(objects, 'DestinationRule')) {
    const policy = field(rule.spec, 'trafficPolicy');
    for (const limit of missingLimits(field(policy, 'connectionPool')))
      violations.push(`${describe(rule)}: connectionPool sets no ${limit}`);
    for (const entry of asArray(field(policy, 'portLevelSettings'))) {
      const port = text(field(entry, 'port', 'number'));
      for (const limit of missingLimits(field(entry, 'connectionPool')))
        violations.push(`${describe(rule)} port ${port}: connectionPool sets no ${limit}`);
      for (const name of REPEATED) {
        if (text(field(entry, name)) !== text(field(policy, name)))
          violations.push(
            `${describe(rule)} port ${port}: ${name} ${text(field(entry, name))} differs from the destination's ${text(field(policy, name))} (port-level settings inherit nothing)`,
          );
      }
    }
  }
  return violations;
}
