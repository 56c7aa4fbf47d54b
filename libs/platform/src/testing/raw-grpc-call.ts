import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';

// A gRPC call made with node:http2 alone: unlike grpc-js's client, which reads on into its own buffers,
// it reads only when a test asks it to, so the server's HTTP/2 window really fills, and it can reset the
// stream as clients other than grpc-js do (RST_STREAM alone).

/** gRPC's length-prefixed framing of one message. */
const framed = (message: Uint8Array) => {
  const frame = Buffer.alloc(5 + message.byteLength);
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame;
};

export class RawGrpcCall {
  readonly stream: ClientHttp2Stream;
  private unread = Buffer.alloc(0);

  /** `metadata`: request headers besides gRPC's own (credentials, say). */
  constructor(session: ClientHttp2Session, path: string, metadata: Record<string, string> = {}) {
    this.stream = session.request({
      ...metadata,
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    // Not read until a test reads: what the server sends waits in its window.
    this.stream.pause();
    this.stream.on('error', () => undefined);
  }

  send(message: Uint8Array): void {
    this.stream.write(framed(message));
  }

  /** Reads until `count` messages came, and stops reading again. */
  read(count: number): Promise<Buffer[]> {
    const messages: Buffer[] = [];
    const take = () => {
      while (messages.length < count && this.unread.length >= 5) {
        const end = 5 + this.unread.readUInt32BE(1);
        if (this.unread.length < end) break;
        messages.push(this.unread.subarray(5, end));
        this.unread = this.unread.subarray(end);
      }
      return messages.length === count;
    };
    if (take()) return Promise.resolve(messages);
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.unread = Buffer.concat([this.unread, chunk]);
        if (!take()) return;
        this.stream.off('data', onData).off('close', onClose).pause();
        resolve(messages);
      };
      const onClose = () =>
        reject(new Error(`the stream closed after ${messages.length} of ${count} messages`));
      this.stream.on('data', onData).once('close', onClose).resume();
    });
  }
}

/** An HTTP/2 connection to a gRPC server, for raw calls. */
export const rawGrpcSession = (address: string): ClientHttp2Session => http2.connect(`http://${address}`);
