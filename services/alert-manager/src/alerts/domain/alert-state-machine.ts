import type { Rule } from '../../rules/domain/rule.js';
import { AlertEventType, AlertState, type Alert, type NotifiedTransition } from './alert.js';
import { decommissionedSummary, summarize } from './alert-summary.js';
import { hasRecovered, isBreached } from './condition.js';

/** A reading as the state machine sees it: a value at a time (epoch ms, the reading's own time). */
export interface Observation {
  value: number;
  time: number;
}

/** What one observation does to the (possibly absent) open alert of a rule and device. */
export type Step =
  | { kind: 'idle' }
  /** The open alert keeps its state and what watchers see of it; only its value is refreshed. No event. */
  | { kind: 'hold'; alert: Alert }
  /** A state change, recorded as an event and, for some transitions, announced. */
  | { kind: 'change'; alert: Alert; event: AlertEventType; notify: NotifiedTransition | null };

export interface StepContext {
  /** Wall-clock time of the evaluation (update times). */
  now: number;
  newAlertId: () => string;
}

const change = (alert: Alert, event: AlertEventType, notify: NotifiedTransition | null): Step => ({
  kind: 'change',
  alert,
  event,
  notify,
});

/**
 * An open alert that keeps its state: an UPDATED event when its severity or summary changed, so
 * watchers (a severity filter too) see what ListAlerts shows; no notification, as nothing fired or
 * resolved. A refreshed value alone is no event.
 */
function keptOpen(before: Alert, after: Alert): Step {
  return before.severity === after.severity && before.summary === after.summary
    ? { kind: 'hold', alert: after }
    : change(after, AlertEventType.ALERT_EVENT_TYPE_UPDATED, null);
}

function openAlert(rule: Rule, deviceId: string, reading: Observation, context: StepContext): Step {
  const firesAtOnce = rule.forDurationMs === 0;
  const alert: Alert = {
    id: context.newAlertId(),
    ruleId: rule.id,
    deviceId,
    sensorType: rule.sensorType,
    customSensor: rule.customSensor,
    state: firesAtOnce ? AlertState.ALERT_STATE_FIRING : AlertState.ALERT_STATE_PENDING,
    severity: rule.severity,
    value: reading.value,
    summary: summarize(rule, deviceId),
    acknowledged: false,
    acknowledgedBy: '',
    acknowledgeTime: null,
    startTime: reading.time,
    fireTime: firesAtOnce ? reading.time : null,
    resolveTime: null,
    updateTime: context.now,
  };
  return firesAtOnce
    ? change(alert, AlertEventType.ALERT_EVENT_TYPE_FIRING, 'FIRING')
    : change(alert, AlertEventType.ALERT_EVENT_TYPE_PENDING, null);
}

/**
 * The alert lifecycle for one rule and device, one reading at a time:
 * - no open alert and a breach: FIRING at once when for_duration is zero, else PENDING;
 * - PENDING still breached for at least for_duration (by reading times): FIRING;
 * - PENDING no longer breached: RESOLVED without announcement (it never fired);
 * - FIRING back to normal beyond the hysteresis margin: RESOLVED, announced;
 * - an open alert that stays open takes the rule's severity: UPDATED when it changed (a safeguard:
 *   a rule edit revises its open alerts itself, and the store writes nothing judged by an outdated rule).
 */
export function stepAlert(
  rule: Rule,
  deviceId: string,
  open: Alert | undefined,
  reading: Observation,
  context: StepContext,
): Step {
  const breached = isBreached(rule, reading.value);
  if (open === undefined) return breached ? openAlert(rule, deviceId, reading, context) : { kind: 'idle' };
  const refreshed: Alert = {
    ...open,
    value: reading.value,
    severity: rule.severity,
    updateTime: context.now,
  };
  const resolved: Alert = { ...refreshed, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: reading.time };
  if (open.state === AlertState.ALERT_STATE_PENDING) {
    if (!breached) return change(resolved, AlertEventType.ALERT_EVENT_TYPE_RESOLVED, null);
    if (reading.time - open.startTime >= rule.forDurationMs) {
      const firing = { ...refreshed, state: AlertState.ALERT_STATE_FIRING, fireTime: reading.time };
      return change(firing, AlertEventType.ALERT_EVENT_TYPE_FIRING, 'FIRING');
    }
    return keptOpen(open, refreshed);
  }
  if (hasRecovered(rule, reading.value)) {
    return change(resolved, AlertEventType.ALERT_EVENT_TYPE_RESOLVED, 'RESOLVED');
  }
  return keptOpen(open, refreshed);
}

/** An operator acknowledges an open alert; acknowledging twice changes nothing. */
export function acknowledge(alert: Alert, by: string, now: number): Step {
  if (alert.acknowledged) return { kind: 'hold', alert };
  const acknowledged = {
    ...alert,
    acknowledged: true,
    acknowledgedBy: by,
    acknowledgeTime: now,
    updateTime: now,
  };
  return change(acknowledged, AlertEventType.ALERT_EVENT_TYPE_ACKNOWLEDGED, null);
}

/**
 * The rule behind an open alert was edited and still watches its device: the alert is judged again by
 * its last value under the new condition (ending now, announced if it fired, when that value no longer
 * holds it) and takes the rule's severity and summary (an UPDATED event, not announced). A changed
 * for_duration waits for the next reading.
 */
export function reviseForRuleChange(rule: Rule, alert: Alert, now: number): Step {
  const resolved = { ...alert, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: now, updateTime: now };
  if (alert.state === AlertState.ALERT_STATE_PENDING && !isBreached(rule, alert.value)) {
    return change(resolved, AlertEventType.ALERT_EVENT_TYPE_RESOLVED, null);
  }
  if (alert.state === AlertState.ALERT_STATE_FIRING && hasRecovered(rule, alert.value)) {
    return change(resolved, AlertEventType.ALERT_EVENT_TYPE_RESOLVED, 'RESOLVED');
  }
  const summary = summarize(rule, alert.deviceId);
  if (alert.severity === rule.severity && alert.summary === summary) return { kind: 'idle' };
  return keptOpen(alert, { ...alert, severity: rule.severity, summary, updateTime: now });
}

/** The open alert ends now, whatever its value; announced only if it fired. */
function endNow(alert: Alert, now: number): Step {
  const resolved = { ...alert, state: AlertState.ALERT_STATE_RESOLVED, resolveTime: now, updateTime: now };
  const wasFiring = alert.state === AlertState.ALERT_STATE_FIRING;
  return change(resolved, AlertEventType.ALERT_EVENT_TYPE_RESOLVED, wasFiring ? 'RESOLVED' : null);
}

/** The rule behind an open alert was deleted, disabled or retargeted: the alert ends now. */
export function closeForRuleChange(alert: Alert, now: number): Step {
  return endNow(alert, now);
}

/**
 * The device behind an open alert was decommissioned: no reading will ever end it, so it ends now,
 * its summary saying why.
 */
export function closeForDecommissionedDevice(alert: Alert, now: number): Step {
  return endNow({ ...alert, summary: decommissionedSummary(alert.summary) }, now);
}
