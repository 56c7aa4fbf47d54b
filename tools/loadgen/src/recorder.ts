import { build, type Histogram } from 'hdr-histogram-js';
import type { OutgoingBatch } from './readings.js';

/** What the gateway said about one message that it answered. */
export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejections: readonly { reason: string }[];
}

export interface ErrorTally {
  calls: number;
  readings: number;
  /** The first message seen with this code, to tell a rate limit from an auth failure at a glance. */
  example: string;
}

/** Longest latency kept exactly (10 min, the largest timeout); longer ones count as this. */
const HIGHEST_MICROS = 600_000_000;

/**
 * Counts every reading of a run exactly once: shed, or sent and then answered, failed, or left
 * with an unknown outcome (no answer in time: the gateway may have stored it all the same).
 */
export class LoadRecorder {
  offeredReadings = 0;
  shedReadings = 0;
  sentReadings = 0;
  sentCalls = 0;
  outOfRangeSent = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  failedCalls = 0;
  failedReadings = 0;
  unknownCalls = 0;
  unknownReadings = 0;
  readonly rejectionsByReason = new Map<string, number>();
  readonly errorsByCode = new Map<string, ErrorTally>();
  /** Calls without an answer, by how they ended ("TIMEOUT", "DEADLINE_EXCEEDED", ...). */
  readonly unknownByCode = new Map<string, ErrorTally>();
  /** Per answered call, in microseconds, from its scheduled send time. */
  readonly latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
  });

  constructor(private readonly now: () => number = () => performance.now()) {}

  offered(readings: number): void {
    this.offeredReadings += readings;
  }

  /** Readings the schedule asked for that were not sent: the device had too many calls open. */
  shed(readings: number): void {
    this.shedReadings += readings;
  }

  sent(batch: OutgoingBatch): void {
    this.sentCalls++;
    this.sentReadings += batch.readings.length;
    this.outOfRangeSent += batch.outOfRange;
  }

  answered(batch: OutgoingBatch, outcome: BatchOutcome): void {
    this.accepted += outcome.accepted;
    this.duplicates += outcome.duplicates;
    this.rejected += outcome.rejections.length;
    for (const { reason } of outcome.rejections) {
      this.rejectionsByReason.set(reason, (this.rejectionsByReason.get(reason) ?? 0) + 1);
    }
    const micros = Math.round((this.now() - batch.scheduledAt) * 1000);
    this.latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, micros)));
  }

  /** The call failed as a whole (`code`: a gRPC status name, "HTTP 429", "NETWORK_ERROR", ...). */
  failed(batch: OutgoingBatch, code: string, message: string): void {
    this.failedCalls++;
    this.failedReadings += batch.readings.length;
    count(this.errorsByCode, batch, code, message);
  }

  /**
   * The call got no answer that says what happened (it timed out, or the connection dropped after
   * it was sent): the gateway may have stored its readings, so they are neither failed nor accepted.
   */
  unknown(batch: OutgoingBatch, code: string, message: string): void {
    this.unknownCalls++;
    this.unknownReadings += batch.readings.length;
    count(this.unknownByCode, batch, code, message);
  }
}

function count(tallies: Map<string, ErrorTally>, batch: OutgoingBatch, code: string, message: string) {
  const tally = tallies.get(code) ?? { calls: 0, readings: 0, example: message };
  tally.calls++;
  tally.readings += batch.readings.length;
  tallies.set(code, tally);
}
