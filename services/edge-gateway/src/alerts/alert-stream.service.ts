import { Inject, Injectable } from '@nestjs/common';
import type {
  AlertEvent,
  AlertFilter,
  WatchAlertsRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { catchError, map, ReplaySubject, takeUntil, throwError, type Observable } from 'rxjs';
import { fromDownstream } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';

/** Where a watcher starts: after a sequence it saw, from the first stored event, or (both unset) live. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/** Alert events from the alert manager's resumable stream, for gRPC watchers and SSE clients alike. */
@Injectable()
export class AlertStreamService {
  // Replays, so that a watcher that arrives once the shutdown began is ended at once too.
  private readonly shuttingDown = new ReplaySubject<void>(1);

  constructor(@Inject(DOWNSTREAM) private readonly downstream: Downstream) {}

  /** Completes every open stream, so long-lived watchers do not hold a graceful shutdown open. */
  closeAll(): void {
    this.shuttingDown.next();
  }

  watch(filter: AlertFilter, { resumeAfterSequence, replayFromStart }: ResumePoint): Observable<AlertEvent> {
    return this.downstream.alerts.watchAlerts({ filter, resumeAfterSequence, replayFromStart }).pipe(
      map((response) => response.event),
      map((event) => {
        if (!event) throw new Error('alert manager sent an empty event');
        return event;
      }),
      catchError((error: unknown) => throwError(() => fromDownstream('alert-manager', error))),
      takeUntil(this.shuttingDown),
    );
  }
}
