import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PLATFORM_LOGGER } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { FailureStreakLog } from '@iot-mesh/platform';
import { Subject, type Observable } from 'rxjs';
import { ALERT_MANAGER_CONFIG, ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import type { AlertEvent } from './domain/alert.js';

const PAGE = 500;
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

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
  private pulling: Promise<void> | undefined;
  private pullAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(PLATFORM_LOGGER) logger: Logger,
  ) {
    this.eventReads = new FailureStreakLog(logger, 'reading new alert events', 'warn');
    store.onCommit((notice) => {
      if (notice.eventTypes.length > 0) this.poke();
    });
  }

  /** Events committed after the moment of subscription; completes when the service shuts down. */
  get live(): Observable<AlertEvent> {
    return this.events.asObservable();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lastPublished = await this.store.lastEventSequence();
    this.timer = setInterval(() => this.poke(), this.config.eventPollIntervalMs);
    // The platform drains in-flight calls before releasing anything; open WatchAlerts streams
    // would hold that drain until the shutdown timeout, so they end as soon as shutdown begins.
    for (const signal of SHUTDOWN_SIGNALS) process.once(signal, this.stop);
  }

  onModuleDestroy(): Promise<void> {
    this.stop();
    return this.pulling ?? Promise.resolve();
  }

  private readonly stop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.stop);
    this.events.complete();
  };

  /** Pulls new events now; calls during a pull make it pull once more afterwards. */
  private poke(): void {
    if (this.stopped) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = this.pull().finally(() => {
      this.pulling = undefined;
      if (this.pullAgain) {
        this.pullAgain = false;
        this.poke();
      }
    });
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
