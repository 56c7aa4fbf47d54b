import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** What the processor did with forwarded readings: new ones processed, known reading ids ignored. */
export interface ForwardOutcome {
  processed: number;
  duplicates: number;
  /** Positions (in the forwarded readings) of the duplicates, ascending. */
  duplicateIndexes: number[];
}

/**
 * Hands validated, normalised readings on and resolves only once the receiver accepted all of them
 * (so the caller can be acknowledged); throws an UnavailableError when it could not.
 */
export interface ReadingSink {
  forward(readings: readonly Reading[]): Promise<ForwardOutcome>;
  /** Readings gathered to share the next call and not yet sent; absent for a sink that does not gather. */
  readonly waitingReadings?: number;
}
