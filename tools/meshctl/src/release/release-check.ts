import type { Cluster, ReleaseState, ReleaseTarget } from '../cluster/cluster.port.js';
import { canaryStartRefusal } from './canary-state.js';
import { CHART_DEFAULTS, type ValueChange } from './release-values.js';
import { missingSecretsRefusal } from './required-secrets.js';

/** What a pipeline is about to do: deploy stable, then (maybe) start a canary. */
export interface ReleasePlan {
  stableTag: string;
  /** Values of the environment the deploy passes (relative to the repo root). */
  valuesFile?: string;
  canary?: { tag: string; weight: number };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The release once the deploy step has run: its new stable tag, everything else as it is now. */
function afterDeploy(state: ReleaseState | undefined, stableTag: string): ReleaseState {
  return {
    revision: state?.revision ?? 0,
    replicas: state?.replicas ?? {},
    values: { ...(state?.values ?? CHART_DEFAULTS), stableTag },
  };
}

/**
 * What `deploy` and then `canary start` would refuse, read from the release as it is and changing
 * nothing (helm status, get values, history and template; kubectl get, the pods' Secrets among it): []
 * when both would go through.
 * A pipeline checks before its first step, so no refusal comes once stable has changed.
 */
export async function releaseRefusals(
  cluster: Cluster,
  target: ReleaseTarget,
  plan: ReleasePlan,
): Promise<string[]> {
  const refusals: string[] = [];
  const changes: ValueChange[] = [{ key: 'stable.image.tag', value: plan.stableTag }];
  if (plan.canary) {
    const state = afterDeploy(await cluster.readRelease(target), plan.stableTag);
    const refusal = canaryStartRefusal(target.service, state, plan.canary.tag);
    if (refusal) refusals.push(`canary start: ${refusal}`);
    changes.push(
      { key: 'canary.enabled', value: true },
      { key: 'canary.image.tag', value: plan.canary.tag },
      { key: 'traffic.stable', value: 100 - plan.canary.weight },
      { key: 'traffic.canary', value: plan.canary.weight },
    );
  }
  // The chart's own checks (schema, sums, storage) on the values the last step would leave.
  const manifest = await cluster
    .render(target, changes, { valuesFile: plan.valuesFile })
    .catch((error: unknown) => {
      refusals.push(`the chart refuses the values: ${message(error)}`);
      return '';
    });
  const missingSecrets = await missingSecretsRefusal(cluster, target, manifest);
  if (missingSecrets) refusals.push(`deploy: ${missingSecrets}`);
  return refusals;
}
