import { describe, field, ofKind, text, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** The most pods a Deployment can run: its HPA's maximum, else its replicas (Kubernetes defaults to 1). */
function mostPods(deployment: K8sObject, objects: readonly K8sObject[]): number {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (autoscaler) => field(autoscaler.spec, 'scaleTargetRef', 'name') === deployment.metadata.name,
  );
  return Number(hpa ? field(hpa.spec, 'maxReplicas') : (field(deployment.spec, 'replicas') ?? 1));
}

/**
 * A service on SQLite (ConfigMap STORAGE=sqlite) keeps its database in each pod, so it runs one pod at a
 * time: one replica across both tracks, an HPA counted at its maximum, and a Recreate rollout so the old
 * pod stops before the new one starts. Otherwise each pod answers from data the others never saw.
 */
export function sqliteRunsOnePod(objects: readonly K8sObject[]): Violations {
  const sqlite = ofKind(objects, 'ConfigMap').some((config) => field(config, 'data', 'STORAGE') === 'sqlite');
  if (!sqlite) return [];
  const violations: Violations = [];
  const deployments = ofKind(objects, 'Deployment');
  const counts = deployments.map((deployment) => `${describe(deployment)}: ${mostPods(deployment, objects)}`);
  const total = deployments.reduce((sum, deployment) => sum + mostPods(deployment, objects), 0);
  if (total > 1) {
    violations.push(
      `SQLite keeps a database in each pod, but up to ${total} pods can run (${counts.join(', ')})`,
    );
  }
  for (const deployment of deployments) {
    // Kubernetes rolls a Deployment without a strategy with RollingUpdate.
    const strategy = field(deployment.spec, 'strategy', 'type') ?? 'RollingUpdate';
    if (strategy !== 'Recreate') {
      violations.push(
        `${describe(deployment)} keeps its SQLite database in the pod but rolls out with ${text(strategy)}: ` +
          'the old and the new pod would answer at once from different data',
      );
    }
  }
  return violations;
}
