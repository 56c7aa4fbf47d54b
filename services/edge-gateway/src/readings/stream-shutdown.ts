import { Injectable } from '@nestjs/common';
import { UnavailableError } from '@iot-mesh/platform';
import {
  concatWith,
  defer,
  EMPTY,
  ReplaySubject,
  takeUntil,
  tap,
  throwError,
  type Observable,
  type OperatorFunction,
} from 'rxjs';

/**
 * Ends request streams on shutdown without losing what their clients sent. From `endAll()` on, no
 * stream reads another message (what arrives later is left for the client to send again); each answers
 * the messages it had read, then ends with UNAVAILABLE, so that the client reconnects, to another
 * replica, and sends the rest there. Left open, a device's stream held the gRPC server's graceful
 * shutdown until its timeout, which then cut off the batches in flight without a status.
 */
@Injectable()
export class StreamShutdown {
  // Replays, so that a stream opened after the shutdown began ends at once too.
  private readonly ending = new ReplaySubject<void>(1);

  endAll(): void {
    this.ending.next();
  }

  /** `answer` applied to the messages read before the shutdown, then UNAVAILABLE if the shutdown cut them off. */
  drain<T, R>(requests: Observable<T>, answer: OperatorFunction<T, R>): Observable<R> {
    let cutOff = false;
    return requests.pipe(
      takeUntil(this.ending.pipe(tap(() => (cutOff = true)))),
      answer,
      concatWith(
        defer(() =>
          cutOff
            ? throwError(() => gatewayShuttingDown('reconnect and send again the batches not acknowledged'))
            : EMPTY,
        ),
      ),
    );
  }
}

/** How a long-lived call ends when the gateway shuts down: UNAVAILABLE, which clients retry elsewhere. */
export function gatewayShuttingDown(advice: string): UnavailableError {
  return new UnavailableError('GATEWAY.SHUTTING_DOWN', `the gateway is shutting down: ${advice}`);
}
