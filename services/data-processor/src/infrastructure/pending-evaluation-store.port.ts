import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** A queued reading and its place in the queue. */
export interface PendingEvaluation {
  sequence: number;
  reading: Reading;
}

/**
 * Readings counted into windows whose alert evaluation failed, kept in the order they were queued
 * until the alert manager has taken them. Shared by every replica on the database.
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
  /** How many readings are pending, by device. */
  countByDevice(): Promise<Map<string, number>>;
}
