import { chunked } from '@iot-mesh/storage';
import { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Kysely, Selectable } from 'kysely';
import type { PendingEvaluation, PendingEvaluationStore } from './pending-evaluation-store.port.js';
import type { ProcessorDatabase } from './processor.schema.js';

type PendingRow = Selectable<ProcessorDatabase['pending_evaluations']>;

const fromRow = (row: PendingRow): PendingEvaluation => ({
  sequence: Number(row.sequence),
  reading: Reading.decode(row.reading),
});

const bySequence = (a: PendingEvaluation, b: PendingEvaluation) => a.sequence - b.sequence;

/** The pending_evaluations table of the processor's database (SQLite or PostgreSQL). */
export class KyselyPendingEvaluations implements PendingEvaluationStore {
  constructor(private readonly db: Kysely<ProcessorDatabase>) {}

  add(readings: readonly Reading[], max: number): Promise<boolean> {
    // The count and the inserts in one transaction: on SQLite an exact bound; on PostgreSQL replicas
    // queueing at the same moment may pass it by what they queue.
    return this.db.transaction().execute(async (trx) => {
      const { pending } = await this.pendingIn(trx)
        .select((eb) => eb.fn.countAll<number>().as('pending'))
        .executeTakeFirstOrThrow();
      if (Number(pending) + readings.length > max) return false;
      for (const chunk of chunked(readings)) {
        await trx
          .insertInto('pending_evaluations')
          .values(
            chunk.map((reading) => ({
              device_id: reading.deviceId,
              // pg sends Buffers as bytea; a bare Uint8Array would not be recognised everywhere.
              reading: Buffer.from(Reading.encode(reading).finish()),
            })),
          )
          .execute();
      }
      return true;
    });
  }

  async oldest(limit: number): Promise<PendingEvaluation[]> {
    const rows = await this.pendingIn(this.db).selectAll().orderBy('sequence').limit(limit).execute();
    return rows.map(fromRow);
  }

  async oldestOf(deviceIds: readonly string[], limit: number): Promise<PendingEvaluation[]> {
    // Each part's oldest `limit`, merged: the oldest `limit` of them all are among those.
    const found: PendingEvaluation[] = [];
    for (const chunk of chunked(deviceIds)) {
      const rows = await this.pendingIn(this.db)
        .selectAll()
        .where('device_id', 'in', chunk)
        .orderBy('sequence')
        .limit(limit)
        .execute();
      found.push(...rows.map(fromRow));
    }
    return found.sort(bySequence).slice(0, limit);
  }

  async remove(sequences: readonly number[]): Promise<void> {
    for (const chunk of chunked(sequences)) {
      await this.db.deleteFrom('pending_evaluations').where('sequence', 'in', chunk).execute();
    }
  }

  async markFailed(sequence: number, failedTime: number): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('pending_evaluations')
      .set({ failed_time: failedTime })
      .where('sequence', '=', sequence)
      .where('failed_time', 'is', null)
      .executeTakeFirstOrThrow();
    return numUpdatedRows > 0n;
  }

  async countByDevice(): Promise<Map<string, number>> {
    const rows = await this.pendingIn(this.db)
      .select((eb) => ['device_id', eb.fn.countAll<number>().as('pending')])
      .groupBy('device_id')
      .execute();
    return new Map(rows.map((row) => [row.device_id, Number(row.pending)]));
  }

  /** The rows still pending: those set aside as refused are only for an operator (partial indexes). */
  private pendingIn(db: Kysely<ProcessorDatabase>) {
    return db.selectFrom('pending_evaluations').where('failed_time', 'is', null);
  }
}
