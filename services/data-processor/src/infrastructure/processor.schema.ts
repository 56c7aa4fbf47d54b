/** Table shapes of the processor's database (times in epoch ms, enums as their proto numbers). */
export interface ProcessorDatabase {
  seen_readings: {
    device_id: string;
    reading_id: string;
    seen_time: number;
  };
  windows: {
    device_id: string;
    sensor_type: number;
    window_size: number;
    start_time: number;
    end_time: number;
    count: number;
    min: number;
    max: number;
    sum: number;
    /** Deflated DDSketch protobuf (blob on SQLite, bytea on PostgreSQL). */
    sketch: Uint8Array;
  };
}
