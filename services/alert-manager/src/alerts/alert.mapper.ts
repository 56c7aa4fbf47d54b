import { optionalTimestamp, timestampFromMillis } from '@iot-mesh/platform';
import type {
  Alert as AlertMessage,
  AlertEvent as AlertEventMessage,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { Alert, AlertEvent } from './domain/alert.js';

/** Domain alert → API message. */
export function toAlertMessage(alert: Alert): AlertMessage {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    deviceId: alert.deviceId,
    sensorType: alert.sensorType,
    customSensor: alert.customSensor,
    state: alert.state,
    severity: alert.severity,
    value: alert.value,
    summary: alert.summary,
    acknowledged: alert.acknowledged,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgeTime: optionalTimestamp(alert.acknowledgeTime),
    startTime: timestampFromMillis(alert.startTime),
    fireTime: optionalTimestamp(alert.fireTime),
    resolveTime: optionalTimestamp(alert.resolveTime),
    updateTime: timestampFromMillis(alert.updateTime),
  };
}

export function toAlertEventMessage(event: AlertEvent): AlertEventMessage {
  return {
    sequence: event.sequence,
    type: event.type,
    alert: toAlertMessage(event.alert),
    eventTime: timestampFromMillis(event.eventTime),
  };
}
