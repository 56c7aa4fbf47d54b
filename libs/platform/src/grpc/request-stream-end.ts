import { constants, type Http2Stream } from 'node:http2';
import type { ServerInterceptingCallInterface } from '@grpc/grpc-js';

const isHttp2Stream = (value: unknown): value is Http2Stream =>
  typeof value === 'object' && value !== null && 'rstCode' in value && 'closed' in value && 'once' in value;

/**
 * Calls `closed` once the HTTP/2 stream under `call` has closed, telling whether it was reset (by the
 * client cancelling, or giving up at its deadline) rather than closed after the status. grpc-js tells an
 * interceptor only that a call ended, however it did, and keeps the stream private: it is read from
 * grpc-js's own call, which `call` is while the platform's interceptor is the only one. Returns false,
 * and calls nothing, when there is no such stream to read.
 */
export function onStreamClose(
  call: ServerInterceptingCallInterface,
  closed: (reset: boolean) => void,
): boolean {
  const stream = (call as unknown as { stream?: unknown }).stream;
  if (!isHttp2Stream(stream)) return false;
  // Closed already, it was reset (whatever its code: Node's destroy() resets with NO_ERROR): nothing more can go out.
  if (stream.closed) closed(true);
  else stream.once('close', () => closed(stream.rstCode !== constants.NGHTTP2_NO_ERROR));
  return true;
}
