import { Inject, Injectable } from '@nestjs/common';
import {
  flowControlledWriters,
  METRICS_REGISTRY,
  StreamShutdown,
  type FlowControlledWriter,
  type MessageSink,
} from '@iot-mesh/platform';
import type { Registry } from 'prom-client';
import { firstValueFrom, filter as where, Observable } from 'rxjs';
import { ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertFilter, AlertStore } from '../infrastructure/alert-store.port.js';
import { matchesFilter } from './alert-filter.js';
import { AlertEventFeed } from './alert-event-feed.js';
import { alertManagerShuttingDown } from './alert-manager-shutting-down.js';
import type { AlertEvent } from './domain/alert.js';
import { resumeAfterOf, resumePointAhead, resumePointPruned, type ResumePoint } from './resume-point.js';

const REPLAY_PAGE = 200;

/**
 * WatchAlerts: stored events after a resume point, then live ones, without gaps or repeats, sent only as
 * fast as the watcher takes them. While it is behind (replaying, or not taking more: its writer's
 * demand says false), live events are passed over and read from the store once it takes more again, so
 * a watcher that stops reading holds a few buffers here rather than its whole replay and every later
 * event.
 */
@Injectable()
export class AlertWatchService {
  /** The writer of one watcher's events: pass its demand to `watch`. */
  readonly writerFor: <T>(sink: MessageSink<T>) => FlowControlledWriter<T>;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    private readonly feed: AlertEventFeed,
    private readonly shutdown: StreamShutdown,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.writerFor = flowControlledWriters(
      registry,
      'alert_manager_watch_events_unsent',
      'Alert events handed to WatchAlerts streams and not yet sent to their watcher',
    );
  }

  /**
   * On shutdown the stream ends with UNAVAILABLE: open, it would hold the graceful shutdown until its
   * timeout, and the watcher is to resume elsewhere rather than take it for a normal end.
   */
  watch(filter: AlertFilter, resume: ResumePoint, demand: Observable<boolean>): Observable<AlertEvent> {
    const resumeAfterSequence = resumeAfterOf(resume);
    const events = new Observable<AlertEvent>((subscriber) => {
      const watcher: Watcher = {
        lastSent: resumeAfterSequence ?? 0,
        wanted: true,
        behind: resumeAfterSequence !== undefined,
        newestPassedOver: 0,
        prunedAtStart: 0,
      };
      // Sequences only grow, so anything at or below the last one sent was sent already.
      const send = (event: AlertEvent) => {
        if (event.sequence <= watcher.lastSent) return;
        watcher.lastSent = event.sequence;
        subscriber.next(event);
      };
      const catchUp = (resumed: boolean) =>
        this.catchUp(filter, watcher, demand, send, resumed, () => subscriber.closed).catch(
          (error: unknown) => subscriber.error(error),
        );
      // Subscribe to live events before reading the stored ones: what commits during the replay is
      // either read with it or passed over and noticed, instead of falling between the two.
      const live = this.feed.live.pipe(where((event) => matchesFilter(event.alert, filter))).subscribe({
        next: (event) => {
          if (!watcher.behind) return send(event);
          watcher.newestPassedOver = event.sequence;
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      const pacing = demand.subscribe((wanted) => {
        watcher.wanted = wanted;
        if (wanted || watcher.behind) return;
        watcher.behind = true;
        void catchUp(false);
      });
      if (watcher.behind) void catchUp(true);
      return () => {
        live.unsubscribe();
        pacing.unsubscribe();
      };
    });
    return this.shutdown.endOnShutdown(events, alertManagerShuttingDown);
  }

  /**
   * Sends stored events after the last one sent, a page at a time and only while the watcher takes them,
   * until it has every event up to the newest one it passed over; it is then live again. Called at the
   * start of a resumed stream (`resumed`: its resume point is checked first) and whenever the watcher
   * stops taking events.
   */
  private async catchUp(
    filter: AlertFilter,
    watcher: Watcher,
    demand: Observable<boolean>,
    send: (event: AlertEvent) => void,
    resumed: boolean,
    closed: () => boolean,
  ): Promise<void> {
    if (resumed) await this.checkResumePoint(filter, watcher);
    for (;;) {
      if (!watcher.wanted) await firstValueFrom(demand.pipe(where(Boolean)), { defaultValue: false });
      if (closed()) return;
      const page = await this.store.listEvents(watcher.lastSent, filter, REPLAY_PAGE);
      // Read after the page: the retention deletes events and raises its mark in one transaction, so a
      // page that missed deleted events is caught here rather than sent with a gap.
      const prunedThrough = await this.prunedThrough(filter);
      if (prunedThrough > Math.max(watcher.lastSent, watcher.prunedAtStart)) {
        throw resumePointPruned(watcher.lastSent, prunedThrough);
      }
      for (const event of page) {
        if (!watcher.wanted) break;
        send(event);
      }
      // All sent, the last page read, nothing newer passed over, and still wanted (the last event sent
      // may have filled the writer): checked and left in one go, so a live event that comes in between
      // is sent, not passed over.
      const caughtUp = page.length < REPLAY_PAGE && watcher.lastSent >= (page.at(-1)?.sequence ?? 0);
      if (caughtUp && watcher.wanted && watcher.newestPassedOver <= watcher.lastSent) {
        watcher.behind = false;
        return;
      }
    }
  }

  /** The highest sequence the retention deleted of the events this stream matches: its device's, or all. */
  private prunedThrough(filter: AlertFilter): Promise<number> {
    return this.store.prunedEventsThrough(filter.deviceId || undefined);
  }

  /**
   * A resume point the stream can go on from: not below what the retention deleted (a replay from the
   * start replays what is kept), nor past the newest event the stream's filter matches.
   */
  private async checkResumePoint(filter: AlertFilter, watcher: Watcher): Promise<void> {
    const resumedAt = watcher.lastSent;
    const prunedThrough = await this.prunedThrough(filter);
    if (resumedAt === 0) {
      watcher.prunedAtStart = prunedThrough;
      return;
    }
    if (prunedThrough > resumedAt) throw resumePointPruned(resumedAt, prunedThrough);
    // Every event a watcher was sent matches its filter, so a point with no matching event at or after
    // it comes from elsewhere (a store reset or restored since), and waiting for it would send nothing
    // for ages. Only events of the filter are looked at: measured against the newest of all, a device's
    // stream (filtered to the device) would learn how many events all devices had. A point at the
    // retention's mark was an event, deleted since.
    if (resumedAt > prunedThrough && (await this.store.listEvents(resumedAt - 1, filter, 1)).length === 0) {
      throw resumePointAhead(resumedAt);
    }
  }
}

/** Where one watcher's stream stands. */
interface Watcher {
  lastSent: number;
  /** Its writer takes more events. */
  wanted: boolean;
  /** Live events are passed over, to be read from the store. */
  behind: boolean;
  newestPassedOver: number;
  /** Events the retention deleted before a replay from the start began: that replay goes without them. */
  prunedAtStart: number;
}
