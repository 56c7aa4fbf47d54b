import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  EdgeGatewayDefinition,
  type EdgeGatewayClient,
  type PublishReadingsRequest,
  type PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { Subject, type Subscription } from 'rxjs';
import type { DeviceSender, FleetDriver } from './driver.js';
import type { FleetDevice } from './fleet.js';
import type { LoadOptions } from './load-options.js';
import type { OutgoingBatch } from './readings.js';
import type { LoadRecorder } from './recorder.js';

interface OpenStream {
  requests: Subject<PublishReadingsRequest>;
  /** Unset only while subscribing, in case the call fails synchronously. */
  subscription?: Subscription;
  ended: Promise<void>;
}

interface PendingBatch {
  batch: OutgoingBatch;
  timer: NodeJS.Timeout;
}

// After the last ack, how long the gateway gets to finish the stream before it is cancelled.
const CLOSE_GRACE_MS = 2_000;

export function grpcCode(error: unknown): { code: string; message: string } {
  const { code, details, message } = error as Partial<ServiceError>;
  if (typeof code !== 'number') return { code: 'CLIENT_ERROR', message: String(message ?? error) };
  return { code: status[code] ?? `CODE_${code}`, message: details || message || '' };
}

/**
 * Whether a stream ended with this status broke under its batches rather than being answered: a
 * deadline (ours or a proxy's), a cancel that was not ours (ours end nothing here), a reset stream or
 * a dropped connection, in grpc-js's words. The gateway may have stored the batches it had not acked
 * yet, so their outcome is unknown. Any other status is the gateway's (or a proxy's) answer that it did
 * not take them, and so is a connection that was never made: they failed.
 */
export function streamBroke(code: string, message: string): boolean {
  switch (code) {
    case 'DEADLINE_EXCEEDED':
    case 'CANCELLED':
      return true;
    case 'INTERNAL':
      return message.includes('RST_STREAM');
    case 'UNAVAILABLE':
      // "read ECONNRESET" and the like: grpc-js passes on the socket's error when it resets. A
      // connection that was never made ("No connection established. Last error: ...") took nothing.
      if (message.startsWith('No connection established')) return false;
      return message === 'Connection dropped' || /\b(ECONNRESET|ETIMEDOUT|EPIPE)\b/.test(message);
    default:
      return false;
  }
}

/**
 * One PublishReadings stream per device, opened on first use and reopened after it fails. The
 * gateway answers a stream's batches in order, so a batch that waits past the timeout holds up
 * every later one: the stream is cancelled and all of them end as DEADLINE_EXCEEDED, an unknown
 * outcome rather than a failure, since the gateway may have stored them before the cancel. So do the
 * batches of a stream that breaks (see streamBroke).
 */
export class GrpcDeviceStream implements DeviceSender {
  private stream: OpenStream | undefined;
  private readonly pending = new Map<string, PendingBatch>();
  private readonly metadata = new Metadata();
  private whenDrained: (() => void) | undefined;

  constructor(
    private readonly client: EdgeGatewayClient,
    apiKey: string,
    private readonly recorder: LoadRecorder,
    private readonly timeoutMs: number,
  ) {
    this.metadata.set('authorization', `Bearer ${apiKey}`);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  send(batch: OutgoingBatch): void {
    const stream = this.stream ?? this.open();
    const timer = setTimeout(
      () => this.reset('DEADLINE_EXCEEDED', `no ack within ${this.timeoutMs} ms`),
      this.timeoutMs,
    );
    this.pending.set(batch.id, { batch, timer });
    this.recorder.sent(batch);
    stream.requests.next({ batchId: batch.id, readings: batch.readings });
  }

  drain(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.whenDrained = resolve));
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    stream.requests.complete();
    await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    stream.subscription?.unsubscribe();
  }

  private open(): OpenStream {
    const requests = new Subject<PublishReadingsRequest>();
    let markEnded: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const stream: OpenStream = { requests, ended };
    this.stream = stream;
    stream.subscription = this.client.publishReadings(requests, this.metadata).subscribe({
      next: (ack) => this.acknowledged(ack),
      error: (error: unknown) => {
        markEnded();
        const { code, message } = grpcCode(error);
        if (this.stream === stream) this.reset(code, message);
      },
      complete: () => {
        markEnded();
        if (this.stream === stream) this.reset('STREAM_ENDED', 'the gateway ended the stream before acking');
      },
    });
    return stream;
  }

  private acknowledged(ack: PublishReadingsResponse): void {
    const entry = this.pending.get(ack.batchId);
    if (!entry) return;
    this.settle(ack.batchId, entry);
    this.recorder.answered(entry.batch, {
      accepted: ack.acceptedCount,
      duplicates: ack.duplicateCount,
      rejections: ack.rejections,
    });
    this.checkDrained();
  }

  /** The stream is gone (failed, timed out or ended): every batch still waiting on it is done for. */
  private reset(code: string, message: string): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.subscription?.unsubscribe();
    const record = streamBroke(code, message) ? 'unknown' : 'failed';
    for (const [id, entry] of [...this.pending]) {
      this.settle(id, entry);
      this.recorder[record](entry.batch, code, message);
    }
    this.checkDrained();
  }

  private settle(id: string, entry: PendingBatch): void {
    clearTimeout(entry.timer);
    this.pending.delete(id);
  }

  private checkDrained(): void {
    if (this.pending.size > 0 || !this.whenDrained) return;
    const resolve = this.whenDrained;
    this.whenDrained = undefined;
    resolve();
  }
}

export function grpcTlsSettings(tls: LoadOptions['tls']): TlsSettings {
  if (!tls) return { mode: 'plaintext' };
  if (tls.certFile) return { mode: 'mtls', caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile };
  return { mode: 'tls', ...(tls.caFile ? { caFile: tls.caFile } : {}) };
}

/** All devices' streams share one channel (HTTP/2 multiplexes them), as behind one edge gateway box. */
export function grpcFleetDriver(options: LoadOptions): FleetDriver {
  const address = options.grpcTarget ?? '';
  const timeoutMs = options.timeoutSeconds * 1000;
  const client = createGrpcClient<EdgeGatewayClient>(EdgeGatewayDefinition, {
    address,
    tls: grpcTlsSettings(options.tls),
    deadlineMs: timeoutMs,
    // The streams live for the whole run; each batch has its own time limit instead.
    deadlineByMethodMs: { PublishReadings: Number.POSITIVE_INFINITY },
    ...(options.tls?.serverName ? { serverNameOverride: options.tls.serverName } : {}),
  });
  return {
    target: address,
    sender: (device: FleetDevice, recorder: LoadRecorder) =>
      new GrpcDeviceStream(client.service, device.apiKey, recorder, timeoutMs),
    close: () => client.close(),
  };
}
