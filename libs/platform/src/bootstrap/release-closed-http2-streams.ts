import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';

const ignoreLateError = () => undefined;

/**
 * Once a stream has closed and every 'close' listener has run, drops its listeners (a no-op 'error'
 * one stays, so nothing emitted later can throw). Measured under Node 24: closed HTTP/2 streams outlive
 * the young-generation collections (what holds them until a full collection was not found), and
 * through their listeners they kept each gRPC call's objects (grpc-js's call, its decoder, the
 * handler's closures), so about a fifth of a gRPC service's allocation was promoted and filled the old
 * generation. Without them, every service on the readings' gRPC path took about an eighth less CPU per
 * reading (README, Benchmarks, round 27).
 */
function releaseOnClose(stream: Http2.Http2Stream): void {
  stream.once('close', () =>
    setImmediate(() => {
      stream.removeAllListeners();
      stream.on('error', ignoreLateError);
    }),
  );
}

/** Replaces `http2[name]` with the same function handing what it makes to `made` first. */
function handMadeTo<Made>(
  http2: typeof Http2,
  name: 'createServer' | 'createSecureServer' | 'connect',
  made: (result: Made) => void,
): void {
  const original = http2[name] as (...args: unknown[]) => Made;
  (http2 as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    made(result);
    return result;
  };
}

/**
 * Makes every HTTP/2 server and client session made after this (grpc-js's among them) release its
 * streams' listeners once they close. Run once, from the lean-startup preload, before grpc-js is loaded
 * and before any ES module imports node:http2 (its named exports are read then:
 * module.syncBuiltinESMExports would re-read node:http's too, and load undici).
 */
export function releaseClosedHttp2Streams(): void {
  const http2 = createRequire(import.meta.url)('node:http2') as typeof Http2;
  const releaseServerStreams = (server: Http2.Http2Server) =>
    server.prependListener('stream', releaseOnClose);
  handMadeTo(http2, 'createServer', releaseServerStreams);
  handMadeTo(http2, 'createSecureServer', releaseServerStreams);
  handMadeTo(http2, 'connect', (session: Http2.ClientHttp2Session) => {
    const request = session.request.bind(session) as (...args: unknown[]) => Http2.ClientHttp2Stream;
    session.request = (...requestArgs: unknown[]) => {
      const stream = request(...requestArgs);
      releaseOnClose(stream);
      return stream;
    };
  });
}
