import { timestampFromMillis } from '@iot-mesh/platform';
import type { Aggregate } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { WindowSummary } from './domain/window-aggregate.js';

/** Domain window summary → API message. */
export function toAggregateMessage(summary: WindowSummary): Aggregate {
  return {
    deviceId: summary.deviceId,
    sensorType: summary.sensorType,
    window: summary.window,
    startTime: timestampFromMillis(summary.startTime),
    endTime: timestampFromMillis(summary.endTime),
    count: summary.count,
    min: summary.min,
    max: summary.max,
    avg: summary.avg,
    p95: summary.p95,
    closed: summary.closed,
    customSensor: summary.customSensor,
  };
}
