import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** A queued reading and its place in the queue. */
export interface PendingEvaluation {
  sequence: number;
  reading: Reading;
}

/**
 * Readings counted into windows whose alert evaluation failed, kept in the order they were queued
 * until the alert manager has taken them. Shared by every replica on the database. A reading the
 * alert manager refused for good is set aside: kept, with its failed time, for an operator, but no
 * longer pending, so none of the queries below sees it.
 */
export interface PendingEvaluationStore {
  /**
   * Queues the readings in their order, after all queued before, unless more than `max` would then be
   * pending; returns whether it queued them (all or none).
   */
  add(readings: readonly Reading[], max: number): Promise<boolean>;
  /** The first `limit` pending readings, oldest first. */
  oldest(limit: number): Promise<PendingEvaluation[]>;
  /** The first `limit` pending readings of these devices, oldest first. */
  oldestOf(deviceIds: readonly string[], limit: number): Promise<PendingEvaluation[]>;
  /** Removes these, once delivered; any already removed are ignored. */
  remove(sequences: readonly number[]): Promise<void>;
  /**
   * Sets this one aside as refused for good, at `failedTime`; returns false when it was no longer
   * pending (delivered, or set aside already, by another replica say).
   */
  markFailed(sequence: number, failedTime: number): Promise<boolean>;
  /** How many readings are pending, by device. */
  countByDevice(): Promise<Map<string, number>>;
}
