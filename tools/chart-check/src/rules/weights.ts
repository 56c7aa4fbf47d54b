import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** Every VirtualService route's destination weights add up to 100 (a lone destination without one counts as 100). */
export function weightsSumTo100(objects: readonly K8sObject[]): Violations {
  const violations: Violations = [];
  for (const service of ofKind(objects, 'VirtualService')) {
    for (const [index, route] of asArray(field(service.spec, 'http')).entries()) {
      const destinations = asArray(field(route, 'route'));
      const weights = destinations.map((destination) => field(destination, 'weight'));
      const total =
        destinations.length === 1 && weights[0] === undefined
          ? 100
          : weights.reduce<number>((sum, weight) => sum + (typeof weight === 'number' ? weight : 0), 0);
      if (total !== 100) {
        const name = text(field(route, 'name') ?? index);
        violations.push(`${describe(service)} route ${name}: weights add up to ${total}, not 100`);
      }
    }
  }
  return violations;
}
