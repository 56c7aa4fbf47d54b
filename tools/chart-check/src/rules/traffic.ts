import { asArray, describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

export interface ExpectedTraffic {
  canaryEnabled: boolean;
  stable: number;
  canary: number;
}

function isCanaryHeaderRoute(route: unknown): boolean {
  return asArray(field(route, 'match')).some((match) => field(match, 'headers', 'x-canary') !== undefined);
}

/**
 * The split the values ask for: with the canary off there is no canary Deployment and every route sends
 * 100 to stable; with it on the weighted routes carry the requested weights and `x-canary` routes go to canary.
 */
export function trafficMatches(objects: readonly K8sObject[], expected: ExpectedTraffic): Violations {
  const violations: Violations = [];
  const canaryDeployments = ofKind(objects, 'Deployment').filter(
    (deployment) => field(deployment.spec, 'template', 'metadata', 'labels', 'track') === 'canary',
  );
  if (!expected.canaryEnabled && canaryDeployments.length > 0) {
    violations.push(`canary is off but ${canaryDeployments.map(describe).join(', ')} is rendered`);
  }
  if (expected.canaryEnabled && canaryDeployments.length === 0)
    violations.push('canary is on but no canary Deployment');
  const want = expected.canaryEnabled ? expected : { stable: 100, canary: 0 };
  for (const service of ofKind(objects, 'VirtualService')) {
    for (const route of asArray(field(service.spec, 'http'))) {
      const weightOf = (subset: string): number =>
        asArray(field(route, 'route'))
          .filter((destination) => field(destination, 'destination', 'subset') === subset)
          .reduce<number>((sum, destination) => sum + Number(field(destination, 'weight') ?? 100), 0);
      const name = `${describe(service)} route ${text(field(route, 'name'))}`;
      if (isCanaryHeaderRoute(route)) {
        if (!expected.canaryEnabled) violations.push(`${name}: canary header route while the canary is off`);
        if (weightOf('canary') !== 100)
          violations.push(`${name}: x-canary route does not send 100 to canary`);
      } else if (weightOf('stable') !== want.stable || weightOf('canary') !== want.canary) {
        violations.push(
          `${name}: stable ${weightOf('stable')} / canary ${weightOf('canary')}, expected ${want.stable} / ${want.canary}`,
        );
      }
    }
  }
  return violations;
}
