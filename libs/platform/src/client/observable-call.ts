import type { ClientReadableStream, ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import { Observable } from 'rxjs';

// Adapters from grpc-js call objects to the Observable-based client interfaces ts-proto generates
// for NestJS. Unsubscribing cancels the call.

type UnaryCallback = (error: ServiceError | null, response?: unknown) => void;
type Cancellable = { cancel(): void };

export function unaryCall(start: (callback: UnaryCallback) => Cancellable): Observable<unknown> {
  return new Observable((subscriber) => {
    let done = false;
    const call = start((error, response) => {
      done = true;
      if (error) subscriber.error(error);
      else {
        subscriber.next(response);
        subscriber.complete();
      }
    });
    return () => {
      if (!done) call.cancel();
    };
  });
}

/**
 * A server stream's messages. With `demand`, the stream is paused while it says false: grpc-js then reads
 * no further than its 16-message buffer, and HTTP/2 flow control holds the rest at the server, instead
 * of this process taking in whatever its own consumer cannot pass on.
 */
export function streamingResponse(
  stream: ClientReadableStream<unknown>,
  demand?: Observable<boolean>,
): Observable<unknown> {
  return new Observable((subscriber) => {
    let done = false;
    stream.on('data', (message) => subscriber.next(message));
    const pacing = demand?.subscribe((wanted) => (wanted ? stream.resume() : stream.pause()));
    stream.on('error', (error) => {
      done = true;
      subscriber.error(error);
    });
    stream.on('end', () => {
      done = true;
      subscriber.complete();
    });
    return () => {
      pacing?.unsubscribe();
      if (!done) stream.cancel();
    };
  });
}

/** Feeds an Observable of requests into a client-side stream. */
export function pipeRequests(requests: Observable<unknown>, call: ClientWritableStream<unknown>): void {
  const subscription = requests.subscribe({
    next: (message) => call.write(message),
    error: () => call.cancel(),
    complete: () => call.end(),
  });
  call.on('status', () => subscription.unsubscribe());
}
