import { SizedQueryCache } from '@iot-mesh/storage';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { WindowKey } from '../aggregates/domain/window.js';
import type { ReadingRef } from './processor-store.port.js';
import type { ProcessorDatabase } from './processor.schema.js';

type SeenRow = Insertable<ProcessorDatabase['seen_readings']>;
type WindowInsert = Insertable<ProcessorDatabase['windows']>;

// Typed, as PostgreSQL would otherwise take the parameters of a VALUES list for text.
const keyTuple = (key: WindowKey) =>
  sql`(cast(${key.deviceId} as text), cast(${key.sensorType} as integer), cast(${key.customSensor} as text), cast(${key.window} as integer), cast(${key.startTime} as bigint))`;

// The window table's primary key, which the upserts name as their conflict target.
const KEY_COLUMNS = ['device_id', 'sensor_type', 'custom_sensor', 'window_size', 'start_time'] as const;

/** A window row's values in the order of toWindowRow's keys, which is the order Kysely binds them in. */
const windowValues = (row: WindowInsert) => [
  row.device_id,
  row.sensor_type,
  row.custom_sensor,
  row.window_size,
  row.start_time,
  row.end_time,
  row.count,
  row.min,
  row.max,
  row.sum,
  row.sum_compensation,
  row.sketch,
  row.revision,
];

/**
 * The statements of ProcessReadings that take one row per reading or window, compiled once per row
 * count (see SizedQueryCache). The rows of each list must all have the shape the values function reads.
 */
export function processorStatements(db: Kysely<ProcessorDatabase>, rowLocks: boolean) {
  // Text in code point order whatever PostgreSQL's default collation is (SQLite's is already).
  const byCodePoint = (column: 'device_id' | 'custom_sensor') =>
    rowLocks ? sql`${sql.ref(column)} collate "C"` : sql.ref(column);
  const insertSeen = (rows: readonly SeenRow[]) =>
    db
      .insertInto('seen_readings')
      .values([...rows])
      .onConflict((conflict) => conflict.columns(['device_id', 'reading_id']).doNothing());
  const seenValues = (row: SeenRow) => [row.device_id, row.reading_id, row.seen_time, row.content_hash];
  return {
    /** Inserts the reading ids not seen before; the count of rows it inserted is the result. */
    recordSeen: new SizedQueryCache(insertSeen, seenValues),
    /** The same insert, returning the rows it inserted. */
    recordSeenReturning: new SizedQueryCache(
      (rows: readonly SeenRow[]) => insertSeen(rows).returning(['device_id', 'reading_id']),
      seenValues,
    ),
    /**
     * Of these devices, those with readings in the pending-evaluation queue: one probe of
     * pending_evaluations_by_device each, however long the queue (OFFSET 0 keeps PostgreSQL from
     * making a join of it, which may read the whole queue).
     */
    devicesWithPending: new SizedQueryCache(
      (deviceIds: readonly string[]) =>
        db
          .selectFrom(
            sql<{
              column1: string;
            }>`(values ${sql.join(deviceIds.map((id) => sql`(cast(${id} as text))`))})`.as('d'),
          )
          .select('d.column1 as device_id')
          .where(
            sql<boolean>`exists (select 1 from pending_evaluations p where p.failed_time is null and p.device_id = d.column1 limit 1 offset 0)`,
          ),
      (deviceId: string) => [deviceId],
    ),
    /** What these known readings said when first seen. */
    storedContents: new SizedQueryCache(
      (refs: readonly ReadingRef[]) =>
        db
          .selectFrom('seen_readings')
          .select(['device_id', 'reading_id', 'content_hash'])
          .where(
            sql<boolean>`(device_id, reading_id) in (values ${sql.join(refs.map((r) => sql`(cast(${r.deviceId} as text), cast(${r.readingId} as text))`))})`,
          ),
      (ref: ReadingRef) => [ref.deviceId, ref.readingId],
    ),
    /**
     * The stored windows of these keys in the order of compareLockOrder; on PostgreSQL locked, in that
     * order, until the transaction ends.
     */
    selectWindows: new SizedQueryCache(
      (keys: readonly WindowKey[]) => {
        const query = db
          .selectFrom('windows')
          .selectAll()
          // One row-value lookup: SQLite prepares it several times faster than an OR of one term per key.
          .where(
            sql<boolean>`(device_id, sensor_type, custom_sensor, window_size, start_time) in (values ${sql.join(keys.map(keyTuple))})`,
          )
          .orderBy(byCodePoint('device_id'))
          .orderBy('sensor_type')
          .orderBy(byCodePoint('custom_sensor'))
          .orderBy('window_size')
          .orderBy('start_time');
        return rowLocks ? query.forUpdate() : query;
      },
      (key: WindowKey) => [key.deviceId, key.sensorType, key.customSensor, key.window, key.startTime],
    ),
    /** Inserts rows for windows that have none (PostgreSQL, to have a row to lock). */
    reserveWindows: new SizedQueryCache(
      (rows: readonly WindowInsert[]) =>
        db
          .insertInto('windows')
          .values([...rows])
          .onConflict((conflict) => conflict.columns(KEY_COLUMNS).doNothing()),
      windowValues,
    ),
    /** Writes whole windows, replacing the stored row of a window that has one. */
    saveWindows: new SizedQueryCache(
      (rows: readonly WindowInsert[]) =>
        db
          .insertInto('windows')
          .values([...rows])
          .onConflict((conflict) =>
            conflict.columns(KEY_COLUMNS).doUpdateSet((eb) => ({
              end_time: eb.ref('excluded.end_time'),
              count: eb.ref('excluded.count'),
              min: eb.ref('excluded.min'),
              max: eb.ref('excluded.max'),
              sum: eb.ref('excluded.sum'),
              sum_compensation: eb.ref('excluded.sum_compensation'),
              sketch: eb.ref('excluded.sketch'),
              revision: eb.ref('excluded.revision'),
            })),
          ),
      windowValues,
    ),
  };
}

export type ProcessorStatements = ReturnType<typeof processorStatements>;
