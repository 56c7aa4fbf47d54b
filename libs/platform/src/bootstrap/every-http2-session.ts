import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';

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
 * Hands every HTTP/2 server and client session made after this (grpc-js's among them) to `prepare`
 * before its first stream: a server's as it is made ('session' is emitted then), a client's as
 * `connect` returns it. Run once, from the lean-startup preload, before grpc-js is loaded and before
 * any ES module imports node:http2 (its named exports are read then: module.syncBuiltinESMExports
 * would re-read node:http's too, and load undici).
 */
export function prepareEveryHttp2Session(prepare: (session: Http2.Http2Session) => void): void {
  const http2 = createRequire(import.meta.url)('node:http2') as typeof Http2;
  const prepareServerSessions = (server: Http2.Http2Server) => server.prependListener('session', prepare);
  handMadeTo(http2, 'createServer', prepareServerSessions);
  handMadeTo(http2, 'createSecureServer', prepareServerSessions);
  handMadeTo(http2, 'connect', prepare);
}
