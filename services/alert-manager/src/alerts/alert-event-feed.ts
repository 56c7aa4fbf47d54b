import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FailureStreakLog, PLATFORM_LOGGER, RepeatingTask, UnavailableError } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { Subject, type Observable } from 'rxjs';
import { ALERT_MANAGER_CONFIG, ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import type { AlertEvent } from './domain/alert.js';

const PAGE = 500;
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * How live events end on shutdown: UNAVAILABLE, which a watcher retries (on another replica, or this one
 * once back) from its last sequence. An OK end would read as a normal end, and nobody would resume.
 */
const shuttingDown = () =>
  new UnavailableError(
    'ALERT_MANAGER.SHUTTING_DOWN',
    'the alert manager is shutting down: reconnect and resume after the last event received',
  );

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
    // The platform drains in-flight calls before releasing anything; open WatchAlerts streams
    // would hold that drain until the shutdown timeout, so they end as soon as shutdown begins.
    for (const signal of SHUTDOWN_SIGNALS) process.once(signal, this.stop);
  }

  onModuleDestroy(): Promise<void> {
    this.stop();
    return this.task.stop();
  }

  private readonly stop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    void this.task.stop();
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.stop);
    this.events.error(shuttingDown());
  };

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
