import { Observable, type ObservableNotification, type Observer } from 'rxjs';

/** A source subscribed to before anyone consumes it, with what it said first. */
export interface HeldStream<T> {
  /** The source's error, when it failed before sending anything (within the wait). */
  readonly failure?: { error: unknown };
  /** All the source sends, what came while it was held first; subscribe once. Unsubscribing ends the source. */
  readonly stream: Observable<T>;
  /** Ends the source: for a stream that is not (or no longer) wanted. */
  close(): void;
}

function deliver<T>(notification: ObservableNotification<T>, observer: Observer<T>): void {
  if (notification.kind === 'N') observer.next(notification.value);
  else if (notification.kind === 'E') observer.error(notification.error);
  else observer.complete();
}

/**
 * Subscribes to `source` and resolves once it has said something (an event, its end or a failure), or
 * after `waitMs` of silence: a caller can then still answer a failure that comes at once some other way
 * than as part of the stream. What the source sends until the stream is subscribed is held for it.
 */
export function holdUntilFirstWord<T>(source: Observable<T>, waitMs: number): Promise<HeldStream<T>> {
  return new Promise((resolve) => {
    const held: ObservableNotification<T>[] = [];
    let consumer: Observer<T> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const stream = new Observable<T>((subscriber) => {
      for (const notification of held.splice(0)) deliver(notification, subscriber);
      consumer = subscriber;
      return () => subscription.unsubscribe();
    });
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const first = held[0];
      resolve({
        ...(first?.kind === 'E' ? { failure: { error: first.error } } : {}),
        stream,
        close: () => subscription.unsubscribe(),
      });
    };
    const take = (notification: ObservableNotification<T>) => {
      if (consumer) deliver(notification, consumer);
      else held.push(notification);
      settle();
    };
    const subscription = source.subscribe({
      next: (value) => take({ kind: 'N', value }),
      error: (error: unknown) => take({ kind: 'E', error }),
      complete: () => take({ kind: 'C' }),
    });
    if (!settled) timer = setTimeout(settle, waitMs);
  });
}
