import type { Generated } from 'kysely';

/** Table shapes of the processor's database (times in epoch ms, enums as their proto numbers). */
export interface ProcessorDatabase {
  seen_readings: {
    device_id: string;
    reading_id: string;
    seen_time: number;
    /** A digest of what the reading said (readingContentHash); null for rows from before it was kept. */
    content_hash: number | null;
  };
  windows: {
    device_id: string;
    sensor_type: number;
    /** The custom quantity's name; '' for the other sensor types, and for rows from before it was kept. */
    custom_sensor: string;
    window_size: number;
    start_time: number;
    end_time: number;
    count: number;
    min: number;
    max: number;
    sum: number;
    /** What rounding took from `sum` (see WindowAggregate); 0 for rows from before it was kept. */
    sum_compensation: number;
    /** The window's QuantileSketch as toBytes writes it (blob on SQLite, bytea on PostgreSQL). */
    sketch: Uint8Array;
    /**
     * A random token that every write of the row replaces (0 for rows written before it existed and
     * for placeholders): a cached decoded sketch is only used while the row still has its token.
     */
    revision: number;
  };
  /**
   * Counted readings whose alert evaluation failed, until the alert manager takes them; those it
   * refused for good stay, with their failed_time.
   */
  pending_evaluations: {
    /** Strictly increasing and never reused: the order they were queued in, and each one's handle. */
    sequence: Generated<number>;
    device_id: string;
    /** The reading as its protobuf encoding, which is what EvaluateReadings carries. */
    reading: Uint8Array;
    /**
     * When the alert manager refused it for good (epoch ms): set aside for an operator, no longer
     * pending. Null while pending, as for rows from before it was kept.
     */
    failed_time: number | null;
  };
}
