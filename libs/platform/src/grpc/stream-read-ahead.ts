import type { Gauge } from 'prom-client';

/** The request side of a gRPC stream, which stops delivering messages while paused. */
export interface PausableStream {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Bounds how many of one request stream's messages are read and not yet answered (for a client
 * stream: handled). At the limit the stream is paused: grpc-js then stops reading it, and HTTP/2 flow
 * control keeps what the client sends further at the client, instead of the service decoding and
 * queueing all of it. It is read again once half of them are answered, so that a client far ahead
 * does not pause and resume the stream at every answer. A gauge counts the pending messages of every
 * stream.
 */
export class StreamReadAhead {
  private pending = 0;
  private paused = false;

  constructor(
    private readonly stream: PausableStream,
    private readonly limit: number,
    private readonly gauge: Gauge,
  ) {}

  read(): void {
    this.pending += 1;
    this.gauge.inc();
    if (this.pending < this.limit || this.paused) return;
    this.paused = true;
    this.stream.pause();
  }

  answered(): void {
    this.pending -= 1;
    this.gauge.dec();
    if (!this.paused || this.pending > Math.floor(this.limit / 2)) return;
    this.paused = false;
    this.stream.resume();
  }

  /** The stream is over: its messages still pending will not be answered. */
  closed(): void {
    this.gauge.dec(this.pending);
    this.pending = 0;
  }
}
