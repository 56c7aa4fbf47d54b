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
