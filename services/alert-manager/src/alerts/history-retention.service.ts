import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, PLATFORM_LOGGER, RetentionTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, CLOCK } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';

/**
 * How long a cursor outlives its last evaluation at least: ingestion takes readings up to
 * MAX_READING_AGE_MS (48 hours) old, and a retry or a late one of those must still find the cursor
 * that says it was evaluated or passed, else it would be judged again (an alert opened anew).
 */
export const CURSOR_MIN_KEEP_MS = 49 * 3_600_000;

/**
 * Deletes resolved alerts and their events ALERT_RETENTION_HOURS after they resolved, and the cursors
 * of rules and devices, and of devices' quantities, with nothing open once nothing was evaluated for
 * as long. Open alerts are never
 * deleted. Every replica prunes; their batches delete disjoint or already deleted rows.
 */
@Injectable()
export class HistoryRetentionService extends RetentionTask {
  private readonly pruned: Counter<'table'>;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    super(config.retention.pruneIntervalMs, logger, 'old alert history');
    this.pruned = new Counter({
      name: 'alert_manager_pruned_rows_total',
      help: 'Rows the retention deleted: resolved alerts, their events and idle evaluation cursors, by table',
      labelNames: ['table'],
      registers: [registry],
    });
    for (const table of ['alerts', 'alert_events', 'evaluation_cursors', 'quantity_cursors'])
      this.pruned.inc({ table }, 0);
  }

  async prune(): Promise<void> {
    const now = this.now();
    const horizon = now - this.config.retention.historyMs;
    let events = 0;
    const alerts = await this.inBatches(async (limit) => {
      const batch = await this.store.pruneResolvedAlerts(horizon, limit);
      this.pruned.inc({ table: 'alerts' }, batch.alerts);
      this.pruned.inc({ table: 'alert_events' }, batch.events);
      events += batch.events;
      return batch.alerts;
    });
    const cursorHorizon = now - Math.max(this.config.retention.historyMs, CURSOR_MIN_KEEP_MS);
    const ownCursors = await this.inBatches(async (limit) => {
      const deleted = await this.store.pruneIdleCursors(cursorHorizon, limit);
      this.pruned.inc({ table: 'evaluation_cursors' }, deleted);
      return deleted;
    });
    const quantityCursors = await this.inBatches(async (limit) => {
      const deleted = await this.store.pruneIdleQuantityCursors(cursorHorizon, limit);
      this.pruned.inc({ table: 'quantity_cursors' }, deleted);
      return deleted;
    });
    const cursors = ownCursors + quantityCursors;
    if (alerts > 0 || cursors > 0)
      this.logger.info({ deleted: { alerts, events, cursors }, horizon }, 'pruned old alert history');
  }
}
