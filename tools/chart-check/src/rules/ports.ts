import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import { podTemplates } from './pods.js';
import type { Violations } from './violations.js';

/** Istio picks the protocol from the port name, so every port is `grpc-*` or `http-*`. */
const protocolName = /^(grpc|http)-[a-z0-9-]+$/;

export function portsNamedByProtocol(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const service of ofKind(objects, 'Service')) {
    for (const port of asArray(field(service.spec, 'ports'))) {
      const name = text(field(port, 'name'));
      if (!protocolName.test(name))
        violations.push(`${describe(service)} port ${name} is not named grpc-* or http-*`);
    }
  }
  for (const { owner, pod } of podTemplates(objects)) {
    for (const container of asArray(field(pod, 'spec', 'containers'))) {
      for (const port of asArray(field(container, 'ports'))) {
        const name = text(field(port, 'name'));
        if (!protocolName.test(name))
          violations.push(`${describe(owner)} container port ${name} is not named grpc-* or http-*`);
      }
    }
  }
  return violations;
}
