import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { EvaluatedReading } from '../evaluated-reading.js';

/** A temperature reading of dev-1, as evaluation specs use them. */
export const aReading = (id: string, value: number, time: number): EvaluatedReading => ({
  id,
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  value,
  time,
});
