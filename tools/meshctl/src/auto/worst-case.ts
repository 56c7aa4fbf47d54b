import { QUERY_TIMEOUT_MS } from '../analysis/prometheus-client.js';
import { ROLLOUT_TIMEOUT } from '../cluster/commands.js';
import { checkDuration } from '../release/validation.js';
import type { AutoPlan } from './auto-canary.js';

/** An upgrade without --wait only applies the manifests; a minute is ample. */
const UNWAITED_UPGRADE_MS = 60_000;
/** Recording a verdict is one kubectl apply of a ConfigMap; a minute is ample. */
const RECORD_MS = 60_000;

/**
 * The longest `canary auto` can run with `plan` when every helm upgrade and Prometheus query takes its
 * whole timeout. Whatever runs it must allow this much: a Jenkins timeout firing mid-promotion would
 * leave stable on the canary's tag, and its rollback would only remove the canary.
 */
export function autoWorstCaseMs(
  plan: Pick<AutoPlan, 'steps' | 'intervalMs' | 'failureThreshold' | 'deadlineMs'>,
): number {
  const rollout = checkDuration('ROLLOUT_TIMEOUT', ROLLOUT_TIMEOUT);
  // Waited for: the start's two upgrades; the promotion's stable rollout and canary removal; and when
  // that removal fails, the canary removal that puts stable's previous tag back.
  const waited = 5;
  // Not waited for: each later step's weights, the promotion's 100/0 and the restore's.
  const unwaited = plan.steps.length - 1 + 2;
  // A step analyses until a pass, and past its deadline no data ends the run; failures, counted over
  // the whole run, end it at the threshold, so they are all a run can add beyond the deadlines.
  const analyses = plan.steps.length * Math.ceil(plan.deadlineMs / plan.intervalMs) + plan.failureThreshold;
  const ping = QUERY_TIMEOUT_MS;
  return (
    ping +
    waited * rollout +
    unwaited * UNWAITED_UPGRADE_MS +
    analyses * (plan.intervalMs + QUERY_TIMEOUT_MS + RECORD_MS)
  );
}
