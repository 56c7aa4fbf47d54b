import type { ReleaseState } from '../cluster/cluster.port.js';

/** A canary track exists, or traffic still points at one (a failed upgrade can leave either). */
export const hasCanary = (state: ReleaseState) =>
  state.values.canaryEnabled || state.values.canaryWeight > 0 || state.replicas.canary !== undefined;

/**
 * Why a canary of `tag` cannot start on a release in this state, or undefined when it can: both
 * `canary start` and `release check` ask, so the check refuses exactly what the start would.
 */
export function canaryStartRefusal(
  service: string,
  state: ReleaseState,
  tag: string,
  replace = false,
): string | undefined {
  if (state.values.stableTag === tag)
    return `${tag} is already ${service}'s stable tag: no canary to compare`;
  if (hasCanary(state) && !replace) {
    return (
      `${service} already has canary ${state.values.canaryTag || '(no tag)'} at ${state.values.canaryWeight}%: ` +
      `run "meshctl canary rollback ${service}" first (or pass --replace)`
    );
  }
  return undefined;
}

/**
 * Why the canary may not get `weight`% now, or undefined when it may. More traffic goes only to a canary
 * with a ready pod: with none, its whole share would fail ("no healthy upstream"). A canary whose
 * autoscaler is still adding pods has some ready, and Envoy sends only to those, so it is not held back
 * (nor is `canary auto` rolled back for it). Keeping or lowering its weight is always allowed: that is
 * the way back.
 */
export function canaryWeightRefusal(
  service: string,
  state: ReleaseState,
  weight: number,
): string | undefined {
  if (weight === 0) return undefined;
  if (!state.values.canaryEnabled)
    return `${service} has no canary running: start one with "meshctl canary start" first`;
  if (weight <= state.values.canaryWeight) return undefined;
  const { ready = 0, desired = 0 } = state.replicas.canary ?? {};
  if (ready > 0) return undefined;
  return (
    `${service} canary ${state.values.canaryTag} has ${ready} of ${desired} pods ready: not raising its ` +
    `weight from ${state.values.canaryWeight}% to ${weight}% (lowering it, or "meshctl canary rollback ` +
    `${service}", is allowed); see "meshctl status ${service}"`
  );
}
