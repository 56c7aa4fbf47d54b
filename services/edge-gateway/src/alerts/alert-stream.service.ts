import { Inject, Injectable } from '@nestjs/common';
import type {
  AlertEvent,
  AlertFilter,
  WatchAlertsRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  flowControlledWriters,
  METRICS_REGISTRY,
  StreamShutdown,
  type FlowControlledWriter,
  type MessageSink,
} from '@iot-mesh/platform';
import type { Registry } from 'prom-client';
import { catchError, concatWith, defer, map, throwError, type Observable } from 'rxjs';
import { fromDownstream, streamEnded } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { gatewayShuttingDown } from '../gateway-shutting-down.js';

/** Where a watcher starts: after a sequence it saw, from the first stored event, or (both unset) live. */
export type ResumePoint = Pick<WatchAlertsRequest, 'resumeAfterSequence' | 'replayFromStart'>;

/**
 * Alert events from the alert manager's resumable stream, for gRPC watchers and SSE clients alike, read
 * from it only as fast as the watcher takes them: its writer's demand pauses the stream, and HTTP/2 flow
 * control then holds the rest in the alert manager, which reads its store no further meanwhile. So a
 * watcher that stops reading costs this process a few buffers, not its whole replay.
 */
@Injectable()
export class AlertStreamService {
  /** The writer of one watcher's events: pass its demand to `watch`. */
  readonly writerFor: <T>(sink: MessageSink<T>) => FlowControlledWriter<T>;

  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly shutdown: StreamShutdown,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.writerFor = flowControlledWriters(
      registry,
      'edge_gateway_alert_events_unsent',
      'Alert events read from the alert manager and not yet sent to their watcher (gRPC or SSE)',
    );
  }

  /**
   * The watcher's events. On shutdown it ends with UNAVAILABLE, so that it does not hold the graceful
   * shutdown open, and resumes elsewhere rather than take it for a normal end.
   */
  watch(
    filter: AlertFilter,
    { resumeAfterSequence, replayFromStart }: ResumePoint,
    demand: Observable<boolean>,
  ): Observable<AlertEvent> {
    // Called on subscription only: the client starts the call at once, and a watcher refused before it
    // subscribes (ALERT_STREAM.LIMIT) must not leave a stream to the alert manager open behind it.
    const events = defer(() =>
      this.downstream.alerts.watchAlerts({ filter, resumeAfterSequence, replayFromStart }, undefined, demand),
    ).pipe(
      map((response) => response.event),
      map((event) => {
        if (!event) throw new Error('alert manager sent an empty event');
        return event;
      }),
      catchError((error: unknown) => throwError(() => fromDownstream('alert-manager', 'WatchAlerts', error))),
      // WatchAlerts has no normal end: as OK it would tell the watcher not to resume.
      concatWith(throwError(() => streamEnded('alert-manager'))),
    );
    return this.shutdown.endOnShutdown(events, () =>
      gatewayShuttingDown('reconnect and resume after the last event received'),
    );
  }
}
