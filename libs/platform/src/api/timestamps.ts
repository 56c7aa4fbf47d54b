import type { Timestamp } from '@iot-mesh/proto/google/protobuf/timestamp';

/** google.protobuf.Timestamp from epoch milliseconds. */
export function timestampFromMillis(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

/** Epoch milliseconds from a google.protobuf.Timestamp (sub-millisecond precision is dropped). */
export function millisFromTimestamp(timestamp: Timestamp): number {
  return timestamp.seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000);
}

/** Optional timestamp field: undefined stays undefined. */
export function optionalTimestamp(ms: number | null | undefined): Timestamp | undefined {
  return ms === null || ms === undefined ? undefined : timestampFromMillis(ms);
}
