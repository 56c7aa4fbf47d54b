import { millisFromTimestamp } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ReadingsEvaluator } from '../src/readings/readings-evaluator.port.js';
import { evaluationRefusal } from './evaluation-refusal.js';

/**
 * Stands in for the alert manager's EvaluateReadings with one rule that watches every device: like
 * its cursor per rule and device, it skips a reading older than the newest it evaluated of that
 * device. Records every call, failed ones included, and fails while `down`; refuses for good, as the
 * alert manager does, every call that carries a reading of `refused`.
 */
export class AlertCursorEvaluator implements ReadingsEvaluator {
  /** Reading ids of every call, in order. */
  readonly calls: string[][] = [];
  /** Every reading of every call, in order. */
  readonly received: Reading[] = [];
  /** Readings evaluated, in order; those skipped as late are not among them. */
  readonly evaluated: string[] = [];
  /** Readings skipped as older than one already evaluated. */
  readonly skipped: string[] = [];
  down = false;
  /** Ids of readings the alert manager refuses for good. */
  readonly refused = new Set<string>();
  private readonly newest = new Map<string, number>();

  /** Readings skipped and never evaluated: their alerts would never fire. A repeat skipped is harmless. */
  missed(): string[] {
    return this.skipped.filter((id) => !this.evaluated.includes(id));
  }

  evaluate(readings: readonly Reading[]): Promise<void> {
    this.calls.push(readings.map((r) => r.readingId));
    this.received.push(...readings);
    if (this.down) return Promise.reject(new Error('alert manager is down (test)'));
    const refusal = evaluationRefusal(readings, this.refused);
    // Shaped as a grpc-js client's error.
    if (refusal) return Promise.reject(Object.assign(new Error(refusal.details), refusal));
    for (const reading of readings) {
      const at = millisFromTimestamp(reading.timestamp!);
      if (at < (this.newest.get(reading.deviceId) ?? -Infinity)) {
        this.skipped.push(reading.readingId);
        continue;
      }
      this.newest.set(reading.deviceId, at);
      this.evaluated.push(reading.readingId);
    }
    return Promise.resolve();
  }
}
