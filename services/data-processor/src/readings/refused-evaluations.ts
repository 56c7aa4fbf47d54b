import { isPermanentRefusal, refusalText } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type {
  PendingEvaluation,
  PendingEvaluationStore,
} from '../infrastructure/pending-evaluation-store.port.js';
import type { ReadingsEvaluator } from './readings-evaluator.port.js';

/**
 * Finds the pending readings the alert manager refuses for good in a batch it refused as a whole, and
 * sets them aside: each such reading would be refused on every retry and, at the front of the queue,
 * keep every reading behind it from being evaluated. Set aside means kept in pending_evaluations with
 * a failed time, for an operator to send again or drop (docs/troubleshooting.md).
 */
export class RefusedEvaluations {
  private readonly refusedTotal: Counter;

  constructor(
    private readonly pending: PendingEvaluationStore,
    private readonly evaluator: ReadingsEvaluator,
    private readonly logger: Logger,
    private readonly now: () => number,
    registry: Registry,
  ) {
    this.refusedTotal = new Counter({
      name: 'data_processor_evaluations_refused_total',
      help:
        'Pending readings the alert manager refused for good, set aside in pending_evaluations with ' +
        'a failed time and not retried (each counted by the replica that set it aside: sum across replicas)',
      registers: [registry],
    });
  }

  /**
   * Delivers a refused batch one reading at a time, in queue order: removes each taken, sets aside
   * each refused for good. Throws at the first other failure, which leaves the rest queued.
   */
  async deliverOneByOne(batch: readonly PendingEvaluation[]): Promise<void> {
    for (const entry of batch) {
      try {
        await this.evaluator.evaluate([entry.reading]);
      } catch (error) {
        if (!isPermanentRefusal(error)) throw error;
        await this.setAside(entry, refusalText(error));
        continue;
      }
      await this.pending.remove([entry.sequence]);
    }
  }

  private async setAside({ sequence, reading }: PendingEvaluation, reason: string): Promise<void> {
    // Another replica's poller may have got there first: each is logged and counted once.
    if (!(await this.pending.markFailed(sequence, this.now()))) return;
    this.refusedTotal.inc();
    this.logger.error(
      { deviceId: reading.deviceId, readingId: reading.readingId, sequence, reason },
      'pending evaluation refused for good by the alert manager; kept in pending_evaluations as failed, not retried',
    );
  }
}
