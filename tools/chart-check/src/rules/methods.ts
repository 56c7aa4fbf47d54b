import { HEALTH_CHECK_PATH } from '../catalog/generate-catalog-template.js';
import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** `/package.Service/*`, every method of one service: what the ingress may call on the edge gateway. */
const serviceWildcard = /^(\/[\w.]+\/)\*$/;

/**
 * Every gRPC path (`/package.Service/Method`) an AuthorizationPolicy allows is a method in the protos, or
 * the standard gRPC health check every service serves; `/package.Service/*` names a service the protos
 * define.
 */
export function policyMethodsExist(
  objects: readonly K8sObject[],
  protoMethods: ReadonlySet<string>,
): Violations {
  const violations: Violations = [];
  for (const policy of ofKind(objects, 'AuthorizationPolicy')) {
    for (const rule of asArray(field(policy.spec, 'rules'))) {
      for (const to of asArray(field(rule, 'to'))) {
        for (const path of asArray(field(to, 'operation', 'paths')).map(text)) {
          if (path === '/metrics' || path === HEALTH_CHECK_PATH) continue; // HTTP admin path; grpc.health.v1
          const service = serviceWildcard.exec(path)?.[1];
          if (service !== undefined) {
            if (![...protoMethods].some((method) => method.startsWith(service)))
              violations.push(`${describe(policy)} allows ${path}, a service no proto defines`);
            continue;
          }
          if (!protoMethods.has(path))
            violations.push(`${describe(policy)} allows ${path}, which no proto defines`);
        }
      }
    }
  }
  return violations;
}
