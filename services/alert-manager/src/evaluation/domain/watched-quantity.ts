import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Rule } from '../../rules/domain/rule.js';

/**
 * What a rule watches of one device: a sensor type and custom quantity ('' sees every custom
 * quantity). All rules watching the same of a device see the same readings of it, so those with no
 * alert open for it go by one evaluation cursor, the quantity's, instead of one each.
 */
export interface WatchedQuantity {
  deviceId: string;
  sensorType: SensorType;
  customSensor: string;
}

export const watchedQuantity = (rule: Rule, deviceId: string): WatchedQuantity => ({
  deviceId,
  sensorType: rule.sensorType,
  customSensor: rule.customSensor,
});

/** Key of a watched quantity in maps. */
export const quantityKey = ({ deviceId, sensorType, customSensor }: WatchedQuantity): string =>
  JSON.stringify([deviceId, sensorType, customSensor]);
