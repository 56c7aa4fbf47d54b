import { Inject, Injectable } from '@nestjs/common';
import { OutOfRangeError, StreamShutdown, ValidationError } from '@iot-mesh/platform';
import { filter as where, Observable } from 'rxjs';
import { ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertFilter, AlertStore } from '../infrastructure/alert-store.port.js';
import { matchesFilter } from './alert-filter.js';
import { AlertEventFeed } from './alert-event-feed.js';
import { alertManagerShuttingDown } from './alert-manager-shutting-down.js';
import type { AlertEvent } from './domain/alert.js';
import type { WatchAlertsRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';

const REPLAY_PAGE = 200;

/** Where a watcher starts: after a sequence it saw, or from the first stored event. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/** The sequence to replay after, or undefined for live events only. */
function resumeAfterOf({ resumeAfterSequence, replayFromStart }: ResumePoint): number | undefined {
  if (!Number.isSafeInteger(resumeAfterSequence) || resumeAfterSequence < 0) {
    throw new ValidationError([
      {
        field: 'resume_after_sequence',
        reason: 'FIELD.INVALID',
        description: 'must be zero or a positive sequence',
      },
    ]);
  }
  if (replayFromStart && resumeAfterSequence !== 0) {
    throw new ValidationError([
      {
        field: 'replay_from_start',
        reason: 'FIELD.INVALID',
        description: 'replays from the first event, so resume_after_sequence must be 0 with it',
      },
    ]);
  }
  if (replayFromStart) return 0;
  return resumeAfterSequence > 0 ? resumeAfterSequence : undefined;
}

/** WatchAlerts: stored events after a resume point, then live ones, without gaps or repeats. */
@Injectable()
export class AlertWatchService {
  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    private readonly feed: AlertEventFeed,
    private readonly shutdown: StreamShutdown,
  ) {}

  /**
   * On shutdown the stream ends with UNAVAILABLE: open, it would hold the graceful shutdown until its
   * timeout, and the watcher is to resume elsewhere rather than take it for a normal end.
   */
  watch(filter: AlertFilter, resume: ResumePoint): Observable<AlertEvent> {
    const resumeAfterSequence = resumeAfterOf(resume);
    const events = new Observable<AlertEvent>((subscriber) => {
      let lastSent = resumeAfterSequence ?? 0;
      let replaying = resumeAfterSequence !== undefined;
      const buffered: AlertEvent[] = [];
      // Sequences only grow, so anything at or below the last one sent was sent already.
      const send = (event: AlertEvent) => {
        if (event.sequence <= lastSent) return;
        lastSent = event.sequence;
        subscriber.next(event);
      };
      // Subscribe to live events before reading the stored ones: whatever commits during the
      // replay is buffered instead of falling between the two.
      const live = this.feed.live.pipe(where((event) => matchesFilter(event.alert, filter))).subscribe({
        next: (event) => (replaying ? buffered.push(event) : send(event)),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      if (replaying) {
        this.replay(
          filter,
          () => lastSent,
          send,
          () => subscriber.closed,
        ).then(
          () => {
            replaying = false;
            for (const event of buffered.splice(0)) send(event);
          },
          (error: unknown) => subscriber.error(error),
        );
      }
      return () => live.unsubscribe();
    });
    return this.shutdown.endOnShutdown(events, alertManagerShuttingDown);
  }

  private async replay(
    filter: AlertFilter,
    lastSent: () => number,
    send: (event: AlertEvent) => void,
    closed: () => boolean,
  ): Promise<void> {
    // Every event a watcher was sent matches its filter, so a point with no matching event at or after
    // it comes from elsewhere (a store reset or restored since), and waiting for it would send nothing
    // for ages. Only events of the filter are looked at: measured against the newest of all, a device's
    // stream (filtered to the device) would learn how many events all devices had.
    const resumedAt = lastSent();
    if (resumedAt > 0 && (await this.store.listEvents(resumedAt - 1, filter, 1)).length === 0) {
      throw new OutOfRangeError(
        'ALERT_EVENTS.RESUME_AHEAD',
        `there is no event ${resumedAt} (or later) for this stream yet; resume from an event this stream sent, or without a resume point for new events only`,
      );
    }
    for (;;) {
      if (closed()) return;
      const page = await this.store.listEvents(lastSent(), filter, REPLAY_PAGE);
      page.forEach(send);
      if (page.length < REPLAY_PAGE) return;
    }
  }
}
