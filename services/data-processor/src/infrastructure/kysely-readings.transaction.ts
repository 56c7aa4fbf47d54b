import type { Transaction } from 'kysely';
import { windowId, type WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import type { ReadingRef, ReadingsTransaction } from './processor-store.port.js';
import type { ProcessorDatabase } from './processor.schema.js';
import { chunked, fromWindowRow, placeholderRow, toWindowRow } from './window.rows.js';

const refId = (ref: ReadingRef) => JSON.stringify([ref.deviceId, ref.readingId]);
const byId =
  <T>(id: (item: T) => string) =>
  (a: T, b: T) =>
    id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;

/**
 * The writes of one ProcessReadings call. Rows are always touched in key order, so two concurrent
 * calls on PostgreSQL wait for each other instead of deadlocking.
 */
export class KyselyReadingsTransaction implements ReadingsTransaction {
  constructor(
    private readonly trx: Transaction<ProcessorDatabase>,
    private readonly rowLocks: boolean,
  ) {}

  async recordNewReadings(readings: readonly ReadingRef[], seenAt: number): Promise<ReadingRef[]> {
    const unique = [...new Map(readings.map((r) => [refId(r), r])).values()].sort(byId(refId));
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
    const sorted = [...keys].sort(byId(windowId));
    const found = new Map<string, WindowAggregate>();
    for (const chunk of chunked(sorted, 200)) {
      // Reserving missing windows first gives a concurrent writer of a brand-new window a row to wait on.
      await this.trx
        .insertInto('windows')
        .values(chunk.map(placeholderRow))
        .onConflict((conflict) =>
          conflict.columns(['device_id', 'sensor_type', 'window_size', 'start_time']).doNothing(),
        )
        .execute();
      let query = this.trx
        .selectFrom('windows')
        .selectAll()
        .where((eb) =>
          eb.or(
            chunk.map((key) =>
              eb.and({
                device_id: key.deviceId,
                sensor_type: key.sensorType,
                window_size: key.window,
                start_time: key.startTime,
              }),
            ),
          ),
        )
        .orderBy('device_id')
        .orderBy('sensor_type')
        .orderBy('window_size')
        .orderBy('start_time');
      if (this.rowLocks) query = query.forUpdate();
      for (const row of await query.execute()) {
        const window = fromWindowRow(row);
        if (window.count > 0) found.set(windowId(window), window);
      }
    }
    return found;
  }

  async saveWindows(windows: readonly WindowAggregate[]): Promise<void> {
    const sorted = [...windows].sort(byId(windowId));
    for (const chunk of chunked(sorted, 200)) {
      await this.trx
        .insertInto('windows')
        .values(chunk.map(toWindowRow))
        .onConflict((conflict) =>
          conflict.columns(['device_id', 'sensor_type', 'window_size', 'start_time']).doUpdateSet((eb) => ({
            end_time: eb.ref('excluded.end_time'),
            count: eb.ref('excluded.count'),
            min: eb.ref('excluded.min'),
            max: eb.ref('excluded.max'),
            sum: eb.ref('excluded.sum'),
            sketch: eb.ref('excluded.sketch'),
          })),
        )
        .execute();
    }
  }
}
