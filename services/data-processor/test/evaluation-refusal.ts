import { toGrpcError, ValidationError, type GrpcErrorObject } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/**
 * The alert manager's answer to an EvaluateReadings call carrying any of the `refused` readings, as
 * an older alert manager refuses a sensor type it does not know: the whole call is refused for good
 * (INVALID_ARGUMENT READINGS.INVALID), naming each refused reading. Undefined when none is refused.
 */
export function evaluationRefusal(
  readings: readonly Reading[],
  refused: ReadonlySet<string>,
): GrpcErrorObject | undefined {
  const violations = readings.flatMap((reading, index) =>
    refused.has(reading.readingId)
      ? [
          {
            field: `readings[${index}].sensor_type`,
            reason: 'ENUM.INVALID',
            description: `unknown value ${reading.sensorType}`,
          },
        ]
      : [],
  );
  return violations.length === 0
    ? undefined
    : toGrpcError(new ValidationError(violations, 'READINGS.INVALID'));
}
