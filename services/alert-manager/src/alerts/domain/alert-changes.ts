import type { Alert, AlertEventType, NotifiedTransition, StoredAlert } from './alert.js';
import type { Step } from './alert-state-machine.js';

/** The final state of an alert after a change; `expectedRevision` is null for a new alert. */
export interface AlertWrite {
  alert: Alert;
  expectedRevision: number | null;
}

export interface NewAlertEvent {
  type: AlertEventType;
  alert: Alert;
  time: number;
}

export interface AlertNotice {
  transition: NotifiedTransition;
  alert: Alert;
}

/** Everything one use case changes, written in one transaction. */
export interface AlertChanges {
  /** In the order the alerts were first touched (a resolved alert before its successor). */
  writes: AlertWrite[];
  events: NewAlertEvent[];
  notices: AlertNotice[];
}

/**
 * Collects the steps of one use case: each touched alert is written once (its final state,
 * guarded by the revision it was loaded with), every change becomes an event with the alert
 * as it was right after it.
 */
export class AlertChangeRecorder {
  private readonly writes = new Map<string, AlertWrite>();
  private readonly events: NewAlertEvent[] = [];
  private readonly notices: AlertNotice[] = [];
  private readonly changed = new Map<string, Alert>();

  /** `loaded` is the stored alert the step started from, when there was one. */
  constructor(
    private readonly now: number,
    private readonly loaded: readonly StoredAlert[] = [],
  ) {}

  record(step: Step): void {
    if (step.kind === 'idle') return;
    const { alert } = step;
    const known = this.writes.get(alert.id);
    const expectedRevision = known
      ? known.expectedRevision
      : (this.loaded.find((a) => a.id === alert.id)?.revision ?? null);
    this.writes.set(alert.id, { alert, expectedRevision });
    if (step.kind === 'change') {
      this.events.push({ type: step.event, alert, time: this.now });
      this.changed.set(alert.id, alert);
      if (step.notify) this.notices.push({ transition: step.notify, alert });
    }
  }

  get changes(): AlertChanges {
    return { writes: [...this.writes.values()], events: [...this.events], notices: [...this.notices] };
  }

  /** The latest state of every alert whose state changed. */
  get changedAlerts(): Alert[] {
    return [...this.changed.values()];
  }
}
