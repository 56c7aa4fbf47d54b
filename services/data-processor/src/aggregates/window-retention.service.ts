import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PLATFORM_LOGGER } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import type { ProcessorConfig } from '../config.js';
import type { ProcessorStore } from '../infrastructure/processor-store.port.js';
import { CLOCK, PROCESSOR_CONFIG, PROCESSOR_STORE } from '../processor.di-tokens.js';

/** Deletes windows and remembered reading ids once they are older than the retention period. */
@Injectable()
export class WindowRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), this.config.pruneIntervalMs);
    this.timer.unref();
  }

  /** Stops pruning and waits for a running pass, so the store is not closed under it. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async prune(): Promise<void> {
    const horizon = this.now() - this.config.retentionMs;
    const deleted = await this.store.pruneBefore(horizon);
    if (deleted.windows > 0 || deleted.readings > 0)
      this.logger.info({ deleted, horizon }, 'pruned old windows');
  }

  private schedule(): void {
    // One pass at a time; a failed pass is logged and the next interval tries again.
    this.running = this.running
      .then(() => this.prune())
      .catch((error: unknown) => this.logger.error({ err: error }, 'pruning old windows failed'));
  }
}
