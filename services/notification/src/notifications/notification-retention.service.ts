import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, PLATFORM_LOGGER, RetentionTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { NotificationConfig } from '../config.js';
import type { NotificationStore } from '../infrastructure/notification-store.port.js';
import { CLOCK, NOTIFICATION_CONFIG, NOTIFICATION_STORE } from '../notification.di-tokens.js';

/**
 * Deletes delivered notifications NOTIFICATION_RETENTION_HOURS after their delivery and failed ones
 * as long after they were queued; pending ones are never deleted. Every replica prunes; their batches delete disjoint or already
 * deleted rows.
 */
@Injectable()
export class NotificationRetentionService extends RetentionTask {
  private readonly pruned: Counter;

  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    super(config.retention.pruneIntervalMs, logger, 'old notifications');
    this.pruned = new Counter({
      name: 'notification_pruned_total',
      help: 'Delivered and failed notifications the retention deleted',
      registers: [registry],
    });
  }

  async prune(): Promise<void> {
    const horizon = this.now() - this.config.retention.notificationsMs;
    const deleted = await this.inBatches(async (limit) => {
      const batch = await this.store.pruneFinished(horizon, limit);
      this.pruned.inc(batch);
      return batch;
    });
    if (deleted > 0) this.logger.info({ deleted, horizon }, 'pruned old notifications');
  }
}
