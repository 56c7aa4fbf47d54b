import { randomInt } from 'node:crypto';
import { chunked } from '@iot-mesh/storage';
import { sql, type Transaction } from 'kysely';
import { windowId, type WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import { readingRefId, type ReadingRef, type ReadingsTransaction } from './processor-store.port.js';
import type { ProcessorDatabase } from './processor.schema.js';
import type { CachedSketch, WindowCache } from './window-cache.js';
import { fromWindowRow, placeholderRow, toWindowRow } from './window.rows.js';

// Typed, as PostgreSQL would otherwise take the parameters of a VALUES list for text.
const keyTuple = (key: WindowKey) =>
  sql`(cast(${key.deviceId} as text), cast(${key.sensorType} as integer), cast(${key.window} as integer), cast(${key.startTime} as bigint))`;

/** A fresh row revision: random, so no other write (by any process, before or after a prune) reuses it. */
const newRevision = () => randomInt(1, 2 ** 48 - 1);

/** `items` ordered by `id`, computing each item's id once. */
function sortedBy<T>(items: readonly T[], id: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, id: id(item) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ item }) => item);
}

/**
 * The writes of one ProcessReadings call. Rows are always touched in key order, so two concurrent
 * calls on PostgreSQL wait for each other instead of deadlocking.
 */
export class KyselyReadingsTransaction implements ReadingsTransaction {
  /** Sketches this transaction wrote, for the cache once it has committed. */
  readonly written = new Map<string, CachedSketch>();

  constructor(
    private readonly trx: Transaction<ProcessorDatabase>,
    private readonly rowLocks: boolean,
    private readonly cache: WindowCache,
  ) {}

  async recordNewReadings(readings: readonly ReadingRef[], seenAt: number): Promise<ReadingRef[]> {
    const unique = sortedBy([...new Map(readings.map((r) => [readingRefId(r), r])).values()], readingRefId);
    const inserted: ReadingRef[] = [];
    for (const chunk of chunked(unique)) {
      // A concurrent call inserting the same id blocks here until it commits, then sees the conflict.
      const rows = await this.trx
        .insertInto('seen_readings')
        .values(chunk.map((r) => ({ device_id: r.deviceId, reading_id: r.readingId, seen_time: seenAt })))
        .onConflict((conflict) => conflict.columns(['device_id', 'reading_id']).doNothing())
        .returning(['device_id', 'reading_id'])
        .execute();
      inserted.push(...rows.map((row) => ({ deviceId: row.device_id, readingId: row.reading_id })));
    }
    return inserted;
  }

  async lockWindows(keys: readonly WindowKey[]): Promise<Map<string, WindowAggregate>> {
    const sorted = sortedBy(keys, windowId);
    const found = new Map<string, WindowAggregate>();
    for (const chunk of chunked(sorted, 200)) {
      // Reserving missing windows first gives a concurrent writer of a brand-new window a row to wait on.
      // SQLite needs none: it has one writer at a time, and the transaction already wrote its reading ids.
      if (this.rowLocks) {
        await this.trx
          .insertInto('windows')
          .values(chunk.map(placeholderRow))
          .onConflict((conflict) =>
            conflict.columns(['device_id', 'sensor_type', 'window_size', 'start_time']).doNothing(),
          )
          .execute();
      }
      let query = this.trx
        .selectFrom('windows')
        .selectAll()
        // One row-value lookup: SQLite prepares it several times faster than an OR of one term per key.
        .where(
          sql<boolean>`(device_id, sensor_type, window_size, start_time) in (values ${sql.join(chunk.map(keyTuple))})`,
        )
        .orderBy('device_id')
        .orderBy('sensor_type')
        .orderBy('window_size')
        .orderBy('start_time');
      if (this.rowLocks) query = query.forUpdate();
      for (const row of await query.execute()) {
        const window = fromWindowRow(row);
        if (window.count === 0) continue;
        const id = windowId(window);
        const decodedSketch = this.cache.take(id, Number(row.revision), window.count);
        found.set(id, decodedSketch === undefined ? window : { ...window, decodedSketch });
      }
    }
    return found;
  }

  async saveWindows(windows: readonly WindowAggregate[]): Promise<void> {
    const sorted = sortedBy(windows, windowId);
    for (const chunk of chunked(sorted, 200)) {
      await this.trx
        .insertInto('windows')
        .values(
          chunk.map((window) => {
            const revision = newRevision();
            if (window.decodedSketch !== undefined) {
              const entry = { revision, count: window.count, sketch: window.decodedSketch };
              this.written.set(windowId(window), entry);
            }
            return toWindowRow(window, revision);
          }),
        )
        .onConflict((conflict) =>
          conflict.columns(['device_id', 'sensor_type', 'window_size', 'start_time']).doUpdateSet((eb) => ({
            end_time: eb.ref('excluded.end_time'),
            count: eb.ref('excluded.count'),
            min: eb.ref('excluded.min'),
            max: eb.ref('excluded.max'),
            sum: eb.ref('excluded.sum'),
            sketch: eb.ref('excluded.sketch'),
            revision: eb.ref('excluded.revision'),
          })),
        )
        .execute();
    }
  }
}
