import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { AlertChanges } from '../alerts/domain/alert-changes.js';
import type { Alert, AlertEvent, AlertEventType, AlertState, StoredAlert } from '../alerts/domain/alert.js';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import type { WatchedQuantity } from '../evaluation/domain/watched-quantity.js';
import type { OutboxEntry } from '../notifications/domain/outbox-entry.js';
import type { Rule, Severity } from '../rules/domain/rule.js';

export interface AlertFilter {
  state?: AlertState;
  severity?: Severity;
  deviceId?: string;
  ruleId?: string;
}

/** ListRules filters; customSensor only together with SENSOR_TYPE_CUSTOM. */
export interface RuleFilter {
  sensorType?: SensorType;
  customSensor?: string;
}

/** Position in the newest-first alert listing. */
export interface AlertPosition {
  startTime: number;
  id: string;
}

/** Alert changes plus the notifications they cause, written in one transaction. */
export interface ChangeBatch extends Omit<AlertChanges, 'notices'> {
  outbox: OutboxEntry[];
}

/**
 * Computes what a rule change or a decommissioned device does to its open alerts; called with them as
 * read inside the transaction.
 */
export type ChangeOpenAlerts = (open: StoredAlert[]) => ChangeBatch;

export interface EvaluationWrite {
  ruleId: string;
  /**
   * The rule as evaluated (it may come from a cache): the write needs the stored rule to be this
   * version still, and enabled; else it is refused with a RuleChangedError.
   */
  rule: Rule;
  deviceId: string;
  /** The rule's own cursor the evaluation started from; another writer moving it first is a conflict. */
  expectedCursor: EvaluationCursor | undefined;
  /** Where the rule's own cursor goes; undefined: it has none (it goes by its quantity's). */
  cursor: EvaluationCursor | undefined;
  changes: ChangeBatch;
}

/** The move of a watched quantity's shared cursor, compared and set as a rule's own is. */
export interface QuantityCursorWrite {
  quantity: WatchedQuantity;
  expectedCursor: EvaluationCursor | undefined;
  cursor: EvaluationCursor;
}

/** Where evaluation of a rule and device stands: its cursor and its open alert. */
export interface EvaluationState {
  cursor: EvaluationCursor | undefined;
  open: StoredAlert | undefined;
}

/** Key of a rule and device in maps of evaluation states. */
export const evaluationKey = (ruleId: string, deviceId: string): string => `${ruleId}/${deviceId}`;

/** A rule as changed, and what the change does to its open alerts. */
export interface RuleChange {
  rule: Rule;
  changeOpen?: ChangeOpenAlerts;
}

/**
 * Another writer changed what a use case read, or the database ended the transaction for another's
 * sake (a deadlock); nothing was written: reload and try again.
 */
export class ConcurrentChangeError extends Error {
  constructor(what: string) {
    super(`concurrent change: ${what}`);
    this.name = 'ConcurrentChangeError';
  }
}

/** Rules were deleted, disabled or changed since they were read: judge again by the stored ones. */
export class RuleChangedError extends ConcurrentChangeError {
  constructor(readonly ruleIds: readonly string[]) {
    super(`rules ${ruleIds.join(', ')} were deleted, disabled or changed`);
    this.name = 'RuleChangedError';
  }
}

/** What one batch of the retention deleted. */
export interface PrunedAlerts {
  alerts: number;
  events: number;
}

/** What this process just committed, so the event feed, the dispatcher and the metrics look right away. */
export interface CommitNotice {
  /** The types of the alert events appended, in order. */
  eventTypes: readonly AlertEventType[];
  outbox: boolean;
}

/**
 * Persistence of rules, alerts, their event history and evaluation cursors. Alert changes, their
 * events and the outbox entries they cause are always written in one transaction.
 */
export interface AlertStore {
  insertRule(rule: Rule): Promise<void>;
  findRule(id: string): Promise<Rule | undefined>;
  /** Rules ordered by id, after `afterId`, at most `limit`. */
  listRules(filter: RuleFilter, afterId: string | undefined, limit: number): Promise<Rule[]>;
  listEnabledRules(sensorTypes: readonly SensorType[]): Promise<Rule[]>;
  /**
   * Changes one rule in a transaction that holds it: `change` is given the rule as stored now and returns
   * it changed, which is saved, with `changeOpen` applied to its open alerts in the same transaction.
   * Concurrent changes thus apply one after another, none over a copy read before another was saved.
   * Undefined when there is no such rule; when `change` throws, nothing is saved and the error is thrown.
   */
  changeRule(id: string, change: (current: Rule) => RuleChange): Promise<Rule | undefined>;
  deleteRule(id: string, close: ChangeOpenAlerts): Promise<boolean>;

  /** Ids of the devices with open alerts, ordered, after `afterDeviceId`, at most `limit`. */
  listDevicesWithOpenAlerts(afterDeviceId: string | undefined, limit: number): Promise<string[]>;
  /** Changes the device's open alerts in one transaction; ConcurrentChangeError on a revision mismatch. */
  changeOpenAlertsOfDevice(deviceId: string, change: ChangeOpenAlerts): Promise<void>;
  /** Remembers for good that the device was decommissioned; recording it again changes nothing. */
  recordDecommissionedDevice(deviceId: string, time: number): Promise<void>;
  /** Those of `deviceIds` recorded as decommissioned. */
  findDecommissionedDevices(deviceIds: readonly string[]): Promise<Set<string>>;

  findCursor(ruleId: string, deviceId: string): Promise<EvaluationCursor | undefined>;
  findOpenAlert(ruleId: string, deviceId: string): Promise<StoredAlert | undefined>;
  /** The evaluation states of many rules and devices at once, by evaluationKey; absent ones are empty. */
  findEvaluationStates(
    targets: readonly { ruleId: string; deviceId: string }[],
  ): Promise<Map<string, EvaluationState>>;
  /** The shared cursors of watched quantities, by quantityKey; absent ones are missing. */
  findQuantityCursors(quantities: readonly WatchedQuantity[]): Promise<Map<string, EvaluationCursor>>;
  /**
   * Moves the cursor and applies the changes; ConcurrentChangeError when someone was faster (a
   * RuleChangedError when it was an edit or delete of the rule).
   */
  applyEvaluation(write: EvaluationWrite): Promise<void>;
  /**
   * applyEvaluation for many rules and devices, and the moves of their quantities' cursors, in one
   * transaction: all or nothing, so a ConcurrentChangeError of any of them writes none.
   */
  applyEvaluations(
    writes: readonly EvaluationWrite[],
    quantityCursors?: readonly QuantityCursorWrite[],
  ): Promise<void>;
  /** Applies changes to existing alerts; ConcurrentChangeError on a revision mismatch. */
  applyChanges(changes: ChangeBatch): Promise<void>;

  findAlert(id: string): Promise<StoredAlert | undefined>;
  listAlerts(filter: AlertFilter, after: AlertPosition | undefined, limit: number): Promise<Alert[]>;
  /** Events with a sequence above `afterSequence`, oldest first. */
  listEvents(afterSequence: number, filter: AlertFilter, limit: number): Promise<AlertEvent[]>;
  lastEventSequence(): Promise<number>;

  /**
   * Deletes up to `limit` resolved alerts last changed before `before`, with their events, raising
   * prunedEventsThrough to the newest event deleted.
   */
  pruneResolvedAlerts(before: number, limit: number): Promise<PrunedAlerts>;
  /** Deletes up to `limit` evaluation cursors moved last before `before` whose pair has no open alert. */
  pruneIdleCursors(before: number, limit: number): Promise<number>;
  /** Deletes up to `limit` shared cursors of watched quantities moved last before `before`. */
  pruneIdleQuantityCursors(before: number, limit: number): Promise<number>;
  /**
   * The highest sequence of an event the retention deleted, of `deviceId`'s when given (what a stream
   * of that device misses); 0 before any.
   */
  prunedEventsThrough(deviceId?: string): Promise<number>;

  /** Registers a listener for this process's commits that appended events or outbox entries. */
  onCommit(listener: (notice: CommitNotice) => void): void;
  close(): Promise<void>;
}
