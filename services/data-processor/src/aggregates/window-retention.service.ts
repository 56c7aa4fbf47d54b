import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_LOGGER, RetentionTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import type { ProcessorConfig } from '../config.js';
import type { ProcessorStore } from '../infrastructure/processor-store.port.js';
import { CLOCK, PROCESSOR_CONFIG, PROCESSOR_STORE } from '../processor.di-tokens.js';

import { LONGEST_WINDOW_MS } from './domain/window.js';

/** Deletes windows and remembered reading ids once they are older than the retention period. */
@Injectable()
export class WindowRetentionService extends RetentionTask {
  constructor(
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    super(config.pruneIntervalMs, logger, 'old windows');
  }

  async prune(): Promise<void> {
    const horizon = this.now() - this.config.retentionMs;
    // A reading is seen no sooner than its own time and its windows end at most the longest window
    // after that, so its id is kept until none of them can be written again: counted at most once.
    const deleted = await this.store.prune({
      windowsEndedBefore: horizon,
      readingsSeenBefore: horizon - LONGEST_WINDOW_MS,
    });
    if (deleted.windows > 0 || deleted.readings > 0)
      this.logger.info({ deleted, horizon }, 'pruned old windows');
  }
}
