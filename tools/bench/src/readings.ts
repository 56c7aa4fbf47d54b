import { timestampFromMillis } from '@iot-mesh/platform';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** A batch of `size` distinct temperature readings spread over `devices` devices. */
export function readingBatch(batch: number, size: number, devices: readonly string[]): Reading[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    readingId: `bench-${process.pid}-${batch}-${i}`,
    deviceId: devices[(batch * size + i) % devices.length],
    sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
    value: 15 + ((batch + i) % 20),
    unit: 'celsius',
    timestamp: timestampFromMillis(now - 1000),
    customSensor: '',
  }));
}
