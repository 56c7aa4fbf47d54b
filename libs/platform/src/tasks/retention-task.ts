import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { FailureStreakLog } from '../observability/failure-streak-log.js';
import { pruneInBatches } from './prune-in-batches.js';
import { RepeatingTask } from './repeating-task.js';

/** Rows per delete statement: one batch holds the store for milliseconds, whatever the backlog. */
export const PRUNE_BATCH_ROWS = 500;

/**
 * A service's retention: `prune` runs every `intervalMs` from start-up to shutdown, a failed pass
 * logged once per streak as `pruning <what>` and tried again at the next tick. Subclasses say what
 * `prune` deletes.
 */
export abstract class RetentionTask implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: RepeatingTask;

  protected constructor(intervalMs: number, logger: Logger, what: string) {
    this.task = new RepeatingTask(
      () => this.prune(),
      intervalMs,
      new FailureStreakLog(logger, `pruning ${what}`),
    );
  }

  abstract prune(): Promise<void>;

  /** Deletes in batches of PRUNE_BATCH_ROWS until one comes back short, or shutdown begins. */
  protected inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
    return pruneInBatches(deleteBatch, { batchSize: PRUNE_BATCH_ROWS, stopping: () => this.task.stopping });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Stops after the pass in progress and waits for it, so the store is not closed under it. */
  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
