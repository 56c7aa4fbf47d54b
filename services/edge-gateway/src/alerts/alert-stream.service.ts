import { Inject, Injectable } from '@nestjs/common';
import type {
  AlertEvent,
  AlertFilter,
  WatchAlertsRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  catchError,
  concatWith,
  defer,
  map,
  merge,
  mergeMap,
  ReplaySubject,
  throwError,
  type Observable,
} from 'rxjs';
import { fromDownstream, streamEnded } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { gatewayShuttingDown } from '../readings/stream-shutdown.js';

/** Where a watcher starts: after a sequence it saw, from the first stored event, or (both unset) live. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/** Alert events from the alert manager's resumable stream, for gRPC watchers and SSE clients alike. */
@Injectable()
export class AlertStreamService {
  // Replays, so that a watcher that arrives once the shutdown began is ended at once too.
  private readonly shuttingDown = new ReplaySubject<void>(1);

  constructor(@Inject(DOWNSTREAM) private readonly downstream: Downstream) {}

  /**
   * Ends every open stream with UNAVAILABLE, so that long-lived watchers do not hold a graceful shutdown
   * open and know to resume elsewhere rather than take it for a normal end.
   */
  closeAll(): void {
    this.shuttingDown.next();
  }

  watch(filter: AlertFilter, { resumeAfterSequence, replayFromStart }: ResumePoint): Observable<AlertEvent> {
    // Called on subscription only: the client starts the call at once, and a watcher refused before it
    // subscribes (ALERT_STREAM.LIMIT) must not leave a stream to the alert manager open behind it.
    const events = defer(() =>
      this.downstream.alerts.watchAlerts({ filter, resumeAfterSequence, replayFromStart }),
    ).pipe(
      map((response) => response.event),
      map((event) => {
        if (!event) throw new Error('alert manager sent an empty event');
        return event;
      }),
      catchError((error: unknown) => throwError(() => fromDownstream('alert-manager', error))),
      // WatchAlerts has no normal end. An end would not get past the merge below (the shutdown signal
      // never completes), leaving the watcher open and silent, and as OK it would tell it not to resume.
      concatWith(throwError(() => streamEnded('alert-manager'))),
    );
    const ended = this.shuttingDown.pipe(
      mergeMap(() =>
        throwError(() => gatewayShuttingDown('reconnect and resume after the last event received')),
      ),
    );
    return merge(events, ended);
  }
}
