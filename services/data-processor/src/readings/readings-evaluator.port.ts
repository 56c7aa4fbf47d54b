import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** Hands readings on for alert evaluation (the alert manager); rejects when that is not possible. */
export interface ReadingsEvaluator {
  evaluate(readings: readonly Reading[]): Promise<void>;
}
