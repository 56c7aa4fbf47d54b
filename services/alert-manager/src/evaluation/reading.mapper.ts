import { millisFromTimestamp } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { EvaluatedReading } from './domain/evaluated-reading.js';

/** A validated API reading → what evaluation needs of it. */
export const evaluatedReading = (reading: Reading): EvaluatedReading => ({
  id: reading.readingId,
  deviceId: reading.deviceId,
  sensorType: reading.sensorType,
  customSensor: reading.customSensor,
  value: reading.value,
  time: millisFromTimestamp(reading.timestamp!),
});
