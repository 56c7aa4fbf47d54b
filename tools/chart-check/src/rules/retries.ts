import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/**
 * gRPC answers Envoy must hand back instead of retrying: RESOURCE_EXHAUSTED is an overloaded service's
 * refusal asking for a later retry (the registry's DEVICE_KEY.VERIFY_BUSY says 1 s), which Envoy would
 * repeat at once and double the work while it is saturated; CANCELLED mostly means the caller (or a
 * shutdown) cancelled the call.
 */
export const NOT_RETRIED: readonly string[] = ['resource-exhausted', 'cancelled'];

/** No VirtualService route retries on NOT_RETRIED. */
export function retriesLeaveRefusalsAndCancels(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const service of ofKind(objects, 'VirtualService')) {
    for (const [index, route] of asArray(field(service.spec, 'http')).entries()) {
      const conditions = text(field(route, 'retries', 'retryOn') ?? '')
        .split(',')
        .map((condition) => condition.trim());
      const refused = NOT_RETRIED.filter((condition) => conditions.includes(condition));
      if (refused.length > 0)
        violations.push(
          `${describe(service)} route ${text(field(route, 'name') ?? index)}: retryOn has ${refused.join(', ')}`,
        );
    }
  }
  return violations;
}
