import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FailureStreakLog, PLATFORM_LOGGER, RepeatingTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { Subject, type Observable } from 'rxjs';
import { ALERT_MANAGER_CONFIG, ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import { alertManagerShuttingDown } from './alert-manager-shutting-down.js';
import type { AlertEvent } from './domain/alert.js';

const PAGE = 500;

/**
 * Live alert events, in sequence order, read from the event table: right after this process
 * commits events and every EVENT_POLL_INTERVAL_MS for those other replicas wrote. Tailing the
 * table (instead of publishing in memory) means every replica's watchers see every event.
 */
@Injectable()
export class AlertEventFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly events = new Subject<AlertEvent>();
  private readonly eventReads: FailureStreakLog;
  private lastPublished = 0;
  private readonly task: RepeatingTask;
  private stopped = false;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) config: AlertManagerConfig,
    @Inject(PLATFORM_LOGGER) logger: Logger,
  ) {
    this.eventReads = new FailureStreakLog(logger, 'reading new alert events', 'warn');
    // pull handles its own errors, so the task needs no failure log.
    this.task = new RepeatingTask(() => this.pull(), config.eventPollIntervalMs);
    store.onCommit((notice) => {
      if (notice.eventTypes.length > 0) this.task.wake();
    });
  }

  /** Events committed after the moment of subscription; fails with UNAVAILABLE when the service shuts down. */
  get live(): Observable<AlertEvent> {
    return this.events.asObservable();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lastPublished = await this.store.lastEventSequence();
    this.task.start();
  }

  // Open WatchAlerts streams ended as the shutdown began (see AlertWatchService); any left end here.
  onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.events.error(alertManagerShuttingDown());
    return this.task.stop();
  }

  private async pull(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.store.listEvents(this.lastPublished, {}, PAGE);
        this.eventReads.succeeded();
        for (const event of batch) {
          this.lastPublished = event.sequence;
          this.events.next(event);
        }
        if (batch.length < PAGE || this.stopped) return;
      }
    } catch (error) {
      this.eventReads.failed(error);
    }
  }
}
