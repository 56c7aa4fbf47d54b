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

export function streamingResponse(stream: ClientReadableStream<unknown>): Observable<unknown> {
  return new Observable((subscriber) => {
    let done = false;
    stream.on('data', (message) => subscriber.next(message));
    stream.on('error', (error) => {
      done = true;
      subscriber.error(error);
    });
    stream.on('end', () => {
      done = true;
      subscriber.complete();
    });
    return () => {
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
