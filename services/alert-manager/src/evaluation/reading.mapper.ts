import { millisFromTimestamp } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { EvaluatedReading } from './domain/evaluated-reading.js';

/**
 * A validated API reading → what evaluation needs of it, judged at its own time or at `arrivedAt` if
 * that is earlier: ingestion takes readings stamped up to minutes ahead, and a device clock that ran
 * ahead once must not make every reading after it look late until real time catches up.
 */
export const evaluatedReading = (reading: Reading, arrivedAt: number): EvaluatedReading => ({
  id: reading.readingId,
  deviceId: reading.deviceId,
  sensorType: reading.sensorType,
  customSensor: reading.customSensor,
  value: reading.value,
  time: Math.min(millisFromTimestamp(reading.timestamp!), arrivedAt),
});
