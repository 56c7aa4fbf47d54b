import { AlertChangeRecorder, type AlertChanges } from '../../alerts/domain/alert-changes.js';
import { isOpen, type Alert, type StoredAlert } from '../../alerts/domain/alert.js';
import { stepAlert, type StepContext } from '../../alerts/domain/alert-state-machine.js';
import type { Rule } from '../../rules/domain/rule.js';
import { byTime, CursorWalk, type EvaluatedReading, type EvaluationCursor } from './evaluated-reading.js';

export interface EvaluationInput {
  rule: Rule;
  deviceId: string;
  open: StoredAlert | undefined;
  cursor: EvaluationCursor | undefined;
  /** This rule and device's readings of one request. */
  readings: readonly EvaluatedReading[];
}

export interface EvaluationPlan {
  /** Undefined when every reading had been evaluated before: nothing to write. */
  cursor: EvaluationCursor | undefined;
  changes: AlertChanges;
  changedAlerts: Alert[];
  /** Whether the rule ends with an alert open (pending or firing) for the device. */
  endsOpen: boolean;
}

/**
 * Runs the state machine over a rule and device's readings in time order, those of one time in the
 * order they were sent. Readings the cursor has seen (a retry) or is past (they arrived late) are
 * skipped, which makes evaluation idempotent per reading.
 */
export function planEvaluation(input: EvaluationInput, context: StepContext): EvaluationPlan {
  const recorder = new AlertChangeRecorder(context.now, input.open ? [input.open] : []);
  let open: Alert | undefined = input.open;
  const walk = new CursorWalk(input.cursor);
  for (const reading of [...input.readings].sort(byTime)) {
    if (walk.passed(reading)) continue;
    const step = stepAlert(input.rule, input.deviceId, open, reading, context);
    recorder.record(step);
    if (step.kind !== 'idle') open = isOpen(step.alert.state) ? step.alert : undefined;
    walk.advance(reading);
  }
  return {
    cursor: walk.cursor,
    changes: recorder.changes,
    changedAlerts: recorder.changedAlerts,
    endsOpen: open !== undefined,
  };
}

/**
 * Whether the plan opens an alert or announces one firing: what readings a decommissioned device's
 * keys were still let through with must not do.
 */
export const raisesAlarm = ({ changes }: EvaluationPlan): boolean =>
  changes.writes.some((write) => write.expectedRevision === null) ||
  changes.notices.some((notice) => notice.transition === 'FIRING');
