import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/**
 * What a reading says, kept beside its id: a reading sent again with the same content is a retry (to
 * be evaluated again), one that reuses the id with other values is not the reading that was counted.
 */
export const readingContent = (reading: Reading): string =>
  `${reading.sensorType}|${reading.customSensor}|${reading.value}|${reading.unit}|${reading.timestamp?.seconds}.${reading.timestamp?.nanos}`;
