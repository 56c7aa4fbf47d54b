import { randomInt } from 'node:crypto';
import { readingIdentity } from '@iot-mesh/platform';
import { chunked } from '@iot-mesh/storage';
import { sql, type Transaction } from 'kysely';
import { windowId, type WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import type { ReadingRef, ReadingsTransaction, SeenReading } from './processor-store.port.js';
import type { ProcessorDatabase } from './processor.schema.js';
import type { ProcessorStatements } from './processor.statements.js';
import { compareLockOrder } from './window-lock-order.js';
import type { CachedSketch, WindowCache } from './window-cache.js';
import { fromWindowRow, placeholderRow, toWindowRow } from './window.rows.js';

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
 * The first reading of each id: the copy that is counted when a call repeats an id (sortReadings), so
 * the content remembered must be that copy's.
 */
function firstOfEachId(readings: readonly SeenReading[]): SeenReading[] {
  const first = new Map<string, SeenReading>();
  for (const reading of readings) {
    const id = readingIdentity(reading);
    if (!first.has(id)) first.set(id, reading);
  }
  return [...first.values()];
}

/**
 * The writes of one ProcessReadings call. Rows are always touched in one order (reading ids by
 * readingIdentity, windows by compareLockOrder), so two concurrent calls on PostgreSQL wait for each
 * other instead of deadlocking.
 */
export class KyselyReadingsTransaction implements ReadingsTransaction {
  /** Sketches this transaction wrote, for the cache once it has committed. */
  readonly written = new Map<string, CachedSketch>();
  /** The readings recorded, each id once. */
  private recorded: readonly SeenReading[] = [];

  constructor(
    private readonly trx: Transaction<ProcessorDatabase>,
    private readonly rowLocks: boolean,
    private readonly cache: WindowCache,
    private readonly statements: ProcessorStatements,
  ) {}

  /**
   * Nearly every call brings only new readings, and then the count of rows inserted says so: returning
   * the rows cost a third of the insert. When some were known, the inserts are undone and made again,
   * returning the rows that were new.
   */
  async recordNewReadings(readings: readonly SeenReading[], seenAt: number): Promise<ReadingRef[]> {
    const unique = sortedBy(firstOfEachId(readings), readingIdentity);
    this.recorded = unique;
    const seenRows = (chunk: readonly SeenReading[]) =>
      chunk.map((r) => ({
        device_id: r.deviceId,
        reading_id: r.readingId,
        seen_time: Math.max(seenAt, r.time ?? seenAt),
        content_hash: r.contentHash ?? null,
      }));
    await sql`savepoint record_seen`.execute(this.trx);
    let insertedCount = 0;
    for (const chunk of chunked(unique)) {
      // A concurrent call inserting the same id blocks here until it commits, then sees the conflict.
      const { numAffectedRows } = await this.statements.recordSeen.execute(this.trx, seenRows(chunk));
      insertedCount += Number(numAffectedRows ?? 0);
    }
    if (insertedCount === unique.length) {
      await sql`release savepoint record_seen`.execute(this.trx);
      return unique;
    }
    await sql`rollback to savepoint record_seen`.execute(this.trx);
    const inserted: ReadingRef[] = [];
    for (const chunk of chunked(unique)) {
      const { rows } = await this.statements.recordSeenReturning.execute(this.trx, seenRows(chunk));
      inserted.push(...rows.map((row) => ({ deviceId: row.device_id, readingId: row.reading_id })));
    }
    await sql`release savepoint record_seen`.execute(this.trx);
    return inserted;
  }

  /**
   * One statement of its own, also on PostgreSQL: folded into the insert of the reading ids (a query
   * over the rows it returns) it cost PostgreSQL more than the round trip it spared.
   */
  async devicesWithPendingEvaluations(): Promise<ReadonlySet<string>> {
    const devices = [...new Set(this.recorded.map((reading) => reading.deviceId))];
    const found = new Set<string>();
    for (const chunk of chunked(devices)) {
      const { rows } = await this.statements.devicesWithPending.execute(this.trx, chunk);
      for (const row of rows) found.add(row.device_id);
    }
    return found;
  }

  async storedContents(readings: readonly ReadingRef[]): Promise<Map<string, number | null>> {
    const contents = new Map<string, number | null>();
    for (const chunk of chunked(readings)) {
      const { rows } = await this.statements.storedContents.execute(this.trx, chunk);
      for (const row of rows) {
        contents.set(
          readingIdentity({ deviceId: row.device_id, readingId: row.reading_id }),
          row.content_hash === null ? null : Number(row.content_hash),
        );
      }
    }
    return contents;
  }

  async lockWindows(keys: readonly WindowKey[]): Promise<Map<string, WindowAggregate>> {
    // Chunked in the order each chunk's rows are locked in, so the whole call locks in that one order.
    const sorted = [...keys].sort(compareLockOrder);
    const found = new Map<string, WindowAggregate>();
    for (const chunk of chunked(sorted, 200)) {
      // Reserving missing windows first gives a concurrent writer of a brand-new window a row to wait on.
      // SQLite needs none: it has one writer at a time, and the transaction already wrote its reading ids.
      if (this.rowLocks) {
        await this.statements.reserveWindows.execute(this.trx, chunk.map(placeholderRow));
      }
      const { rows } = await this.statements.selectWindows.execute(this.trx, chunk);
      for (const row of rows) {
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
    const sorted = [...windows].sort(compareLockOrder);
    for (const chunk of chunked(sorted, 200)) {
      const rows = chunk.map((window) => {
        const revision = newRevision();
        if (window.decodedSketch !== undefined) {
          const entry = { revision, count: window.count, sketch: window.decodedSketch };
          this.written.set(windowId(window), entry);
        }
        return toWindowRow(window, revision);
      });
      await this.statements.saveWindows.execute(this.trx, rows);
    }
  }
}
