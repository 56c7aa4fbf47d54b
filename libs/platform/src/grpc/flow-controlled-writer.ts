import { Gauge, type Registry } from 'prom-client';
import {
  BehaviorSubject,
  distinctUntilChanged,
  ignoreElements,
  tap,
  type Observable,
  type OperatorFunction,
} from 'rxjs';

/** Where a stream's messages go: a gRPC server call (grpc-js's Writable) or an HTTP response. */
export interface MessageSink<T> {
  /** false once the sink holds as much as it buffers; `done` is told when the message left for the network. */
  write(message: T, done: (error?: Error | null) => void): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface FlowControlledWriterOptions {
  /** Told of each message once HTTP/2 (or the socket) took it. */
  sent?: () => void;
  /** Counts the messages written and not yet sent, of every writer that shares it. */
  unsent?: Gauge;
}

/**
 * Writes a stream's messages to its sink itself, as the receiver takes them. A handler that returns
 * its messages for Nest to write gets Nest's writer (writeObservableToGrpc), which queues without bound
 * every message that HTTP/2 flow control holds back from a client that does not read. Here, once the
 * sink's buffer is full (grpc-js holds 16 messages; an HTTP response 16 KiB) `demand` says false until it
 * drained, and a producer that can wait (a paused stream, a store read later) holds back meanwhile.
 * Each message's own write callback tells when it left, so what it still holds is counted exactly.
 */
export class FlowControlledWriter<T> {
  private readonly wanted = new BehaviorSubject(true);
  /** Whether the sink takes more messages now: false from a write that filled it until it drained. */
  readonly demand: Observable<boolean> = this.wanted.pipe(distinctUntilChanged());
  private unsentCount = 0;
  private closed = false;
  // One callback for every write: nothing is allocated per message.
  private readonly done = (error?: Error | null) => {
    if (error || this.closed) return;
    this.unsentCount -= 1;
    this.options.unsent?.dec();
    this.options.sent?.();
  };
  private readonly drained = () => this.wanted.next(true);

  constructor(
    private readonly sink: MessageSink<T>,
    private readonly options: FlowControlledWriterOptions = {},
  ) {
    // What a sink that closed (the call ended, the client went away) still held will never be sent.
    sink.once('close', () => {
      this.closed = true;
      this.options.unsent?.dec(this.unsentCount);
      this.unsentCount = 0;
    });
  }

  write(message: T): void {
    // Written after the sink closed, it goes nowhere (and its callback says so): nothing to count.
    if (!this.closed) {
      this.unsentCount += 1;
      this.options.unsent?.inc();
    }
    if (this.sink.write(message, this.done) || !this.wanted.value) return;
    this.wanted.next(false);
    this.sink.once('drain', this.drained);
  }

  /** Writes every message of the source. Emits none: it ends as the source does, its errors included. */
  writeAll(): OperatorFunction<T, never> {
    return (source) =>
      source.pipe(
        tap((message) => this.write(message)),
        ignoreElements(),
      );
  }
}

/** Makes writers (one per stream) whose unsent messages one gauge, `name`, counts together. */
export function flowControlledWriters(
  registry: Registry,
  name: string,
  help: string,
): <T>(sink: MessageSink<T>) => FlowControlledWriter<T> {
  const unsent = new Gauge({ name, help, registers: [registry] });
  return (sink) => new FlowControlledWriter(sink, { unsent });
}
