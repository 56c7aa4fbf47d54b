import { describe, field, ofKind, type K8sObject } from '../manifest.js';
import type { Violations } from './violations.js';

/** Whether a budget's matchLabels select a Deployment's pods (an empty selector selects every pod). */
function selects(budget: K8sObject, deployment: K8sObject): boolean {
  const selector = field(budget.spec, 'selector', 'matchLabels');
  const labels = field(deployment.spec, 'template', 'metadata', 'labels');
  if (selector === null || typeof selector !== 'object') return true;
  return Object.entries(selector).every(([key, value]) => field(labels, key) === value);
}

/**
 * Each Deployment (one per track) has exactly one PodDisruptionBudget, and no budget spans several: a budget
 * over both tracks lets a drain evict every stable pod as long as canary pods keep the count up.
 */
export function budgetPerTrack(objects: readonly K8sObject[]): Violations {
  const deployments = ofKind(objects, 'Deployment');
  const budgets = ofKind(objects, 'PodDisruptionBudget');
  const violations: Violations = [];
  for (const budget of budgets) {
    const covered = deployments.filter((deployment) => selects(budget, deployment));
    if (covered.length !== 1) {
      const which = covered.length === 0 ? 'no Deployment' : covered.map(describe).join(' and ');
      violations.push(`${describe(budget)} selects the pods of ${which}, expected exactly one`);
    }
  }
  for (const deployment of deployments) {
    const count = budgets.filter((budget) => selects(budget, deployment)).length;
    if (count !== 1)
      violations.push(`${describe(deployment)} is covered by ${count} PodDisruptionBudgets, expected 1`);
  }
  return violations;
}
