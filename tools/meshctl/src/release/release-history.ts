import type { Cluster, ReleaseTarget } from '../cluster/cluster.port.js';
import { ReleaseStateError } from './release-state-error.js';

/** Where to look up a revision: every meshctl step is a Helm revision of its own. */
export const historyHint = (t: ReleaseTarget) =>
  `find it with "helm history ${t.service} --namespace ${t.namespace}" and ` +
  `"helm get values ${t.service} --namespace ${t.namespace} --revision N"`;

// Revisions Helm never finished are no state to go back to.
const usable = (status: string) => status === 'deployed' || status === 'superseded';

/**
 * The newest revision before the current one whose stable track ran the tag with no canary: the
 * release as it was before the tag's successor came in, whichever steps meshctl took since.
 */
export async function revisionWithStable(
  cluster: Cluster,
  target: ReleaseTarget,
  tag: string,
): Promise<number> {
  const earlier = (await cluster.listRevisions(target)).slice(0, -1).reverse();
  for (const { revision, status } of earlier) {
    if (!usable(status)) continue;
    const values = await cluster.valuesAt(target, revision);
    if (values.stableTag === tag && !values.canaryEnabled) return revision;
  }
  throw new ReleaseStateError(
    `no earlier revision of ${target.service} ran stable ${tag} without a canary: ${historyHint(target)}`,
  );
}
