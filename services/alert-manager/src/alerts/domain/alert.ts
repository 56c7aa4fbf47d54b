import { AlertEventType, AlertState } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Severity } from '../../rules/domain/rule.js';

export { AlertEventType, AlertState };

/** An alert as the alert manager keeps it. Times are epoch milliseconds. */
export interface Alert {
  id: string;
  ruleId: string;
  deviceId: string;
  sensorType: SensorType;
  /** The rule's custom quantity ('' unless it watches one). */
  customSensor: string;
  state: AlertState;
  severity: Severity;
  value: number;
  summary: string;
  acknowledged: boolean;
  acknowledgedBy: string;
  acknowledgeTime: number | null;
  /** Time of the reading that opened the alert. */
  startTime: number;
  fireTime: number | null;
  resolveTime: number | null;
  updateTime: number;
}

/** An alert as stored: the revision guards against concurrent writers (optimistic locking). */
export interface StoredAlert extends Alert {
  revision: number;
}

/** Pending or firing: at most one per rule and device. */
export const isOpen = (state: AlertState): boolean =>
  state === AlertState.ALERT_STATE_PENDING || state === AlertState.ALERT_STATE_FIRING;

/** The stored history entry of one change; `alert` is the alert right after it. */
export interface AlertEvent {
  sequence: number;
  type: AlertEventType;
  alert: Alert;
  eventTime: number;
}

/** Transitions that are announced through the notification service. */
export type NotifiedTransition = 'FIRING' | 'RESOLVED';
