import { Inject, Injectable } from '@nestjs/common';
import type {
  AlertEvent,
  AlertFilter,
  WatchAlertsRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { StreamShutdown } from '@iot-mesh/platform';
import { catchError, concatWith, defer, map, throwError, type Observable } from 'rxjs';
import { fromDownstream, streamEnded } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { gatewayShuttingDown } from '../gateway-shutting-down.js';

/** Where a watcher starts: after a sequence it saw, from the first stored event, or (both unset) live. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/** Alert events from the alert manager's resumable stream, for gRPC watchers and SSE clients alike. */
@Injectable()
export class AlertStreamService {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly shutdown: StreamShutdown,
  ) {}

  /**
   * The watcher's events. On shutdown it ends with UNAVAILABLE, so that it does not hold the graceful
   * shutdown open, and resumes elsewhere rather than take it for a normal end.
   */
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
      // WatchAlerts has no normal end: as OK it would tell the watcher not to resume.
      concatWith(throwError(() => streamEnded('alert-manager'))),
    );
    return this.shutdown.endOnShutdown(events, () =>
      gatewayShuttingDown('reconnect and resume after the last event received'),
    );
  }
}
