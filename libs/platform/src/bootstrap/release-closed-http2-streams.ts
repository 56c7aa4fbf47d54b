import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';

const WRAPPED = Symbol('iot-mesh.releasesClosedStreams');
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

type Wrappable = { [WRAPPED]?: true };

function wrapServerFactory(http2: typeof Http2, name: 'createServer' | 'createSecureServer'): void {
  const create = http2[name] as ((...args: unknown[]) => Http2.Http2Server) & Wrappable;
  if (create[WRAPPED]) return;
  const wrapped = Object.assign(
    function (this: unknown, ...args: unknown[]) {
      const server = create.apply(this, args);
      server.prependListener('stream', releaseOnClose);
      return server;
    },
    { [WRAPPED]: true as const },
  );
  (http2 as Record<string, unknown>)[name] = wrapped;
}

function wrapConnect(http2: typeof Http2): void {
  const connect = http2.connect as ((...args: unknown[]) => Http2.ClientHttp2Session) & Wrappable;
  if (connect[WRAPPED]) return;
  const wrapped = Object.assign(
    function (this: unknown, ...args: unknown[]) {
      const session = connect.apply(this, args);
      const request = session.request.bind(session) as (...args: unknown[]) => Http2.ClientHttp2Stream;
      session.request = (...requestArgs: unknown[]) => {
        const stream = request(...requestArgs);
        releaseOnClose(stream);
        return stream;
      };
      return session;
    },
    { [WRAPPED]: true as const },
  );
  (http2 as Record<string, unknown>).connect = wrapped;
}

/**
 * Makes every HTTP/2 server and client session made after this (grpc-js's among them) release its
 * streams' listeners once they close. Run from the lean-startup preload, before grpc-js is loaded and
 * before any ES module imports node:http2 (its named exports are read then: module.syncBuiltinESMExports
 * would re-read node:http's too, and load undici); calling it again changes nothing.
 */
export function releaseClosedHttp2Streams(): void {
  const http2 = createRequire(import.meta.url)('node:http2') as typeof Http2;
  wrapServerFactory(http2, 'createServer');
  wrapServerFactory(http2, 'createSecureServer');
  wrapConnect(http2);
}
