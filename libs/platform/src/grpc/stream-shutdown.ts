import { Injectable } from '@nestjs/common';
import {
  concatWith,
  defer,
  EMPTY,
  map,
  ReplaySubject,
  takeUntil,
  tap,
  throwError,
  type Observable,
  type OperatorFunction,
} from 'rxjs';

/**
 * Ends a service's open gRPC streams when it shuts down, so that none holds the server's graceful
 * shutdown until its timeout (which then exits 1 and cuts the calls off without a status). The
 * platform calls `endAll()` as the service stops accepting calls. From then on no request stream reads
 * another message (what arrives later is left for the client to send again); each answers what it had
 * read, then ends with the service's UNAVAILABLE error (`cutOff`), so that the client reconnects, to
 * another replica, and sends the rest there, or resumes there.
 */
@Injectable()
export class StreamShutdown {
  // Replays, so that a stream opened after the shutdown began ends at once too.
  private readonly ending = new ReplaySubject<void>(1);

  endAll(): void {
    this.ending.next();
  }

  /** A bidirectional stream: `answer` applied to the messages read before the shutdown, then `cutOff()` if it cut them off. */
  drain<T, R>(requests: Observable<T>, answer: OperatorFunction<T, R>, cutOff: () => Error): Observable<R> {
    const read = this.untilShutdown(requests);
    return read.messages.pipe(answer, concatWith(defer(() => (read.cutOff() ? throwError(cutOff) : EMPTY))));
  }

  /**
   * A client stream: its one answer to the messages read before the shutdown, or, if the shutdown cut
   * them off, the error `cutOff` makes of that answer (how many messages were handled, say) instead.
   */
  drainToOneAnswer<T, R>(
    requests: Observable<T>,
    answer: OperatorFunction<T, R>,
    cutOff: (answerSoFar: R) => Error,
  ): Observable<R> {
    const read = this.untilShutdown(requests);
    return read.messages.pipe(
      answer,
      map((answerSoFar) => {
        if (read.cutOff()) throw cutOff(answerSoFar);
        return answerSoFar;
      }),
    );
  }

  /** A server stream: its messages until the shutdown, which ends it with `cutOff()`. */
  endOnShutdown<R>(responses: Observable<R>, cutOff: () => Error): Observable<R> {
    return this.drain(responses, (messages) => messages, cutOff);
  }

  private untilShutdown<T>(source: Observable<T>): { messages: Observable<T>; cutOff: () => boolean } {
    let cutOff = false;
    return {
      messages: source.pipe(takeUntil(this.ending.pipe(tap(() => (cutOff = true))))),
      cutOff: () => cutOff,
    };
  }
}
