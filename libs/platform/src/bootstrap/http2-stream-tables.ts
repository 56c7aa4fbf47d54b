import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';

/**
 * A session's open streams by id, with what Node's HTTP/2 core uses of the Map it keeps them in. A Map
 * that many entries pass through rehashes into a new table every few dozen of them, and its old table
 * keeps pointing at the new one; once one of those tables is in the old generation, every later table
 * and every stream in it outlives the young collections until a full one, and each closed stream keeps
 * its call's objects with it. The ids are a plain object's keys here, whose storage links to nothing
 * when it grows. With these tables and without V8's allocation-site pretenuring (service-node-args),
 * a bare grpc-js server under the services' heap settings promoted nothing instead of 1.1 MB of every
 * 6.4 MB young collection; with either one alone it promoted as much as before (README, Benchmarks,
 * round 28).
 */
export class StreamTable<Stream> {
  private byId: Record<number, Stream> = Object.create(null) as Record<number, Stream>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): Stream | undefined {
    return this.byId[id];
  }

  has(id: number): boolean {
    return id in this.byId;
  }

  set(id: number, stream: Stream): this {
    if (!(id in this.byId)) this.count += 1;
    this.byId[id] = stream;
    return this;
  }

  delete(id: number): boolean {
    if (!(id in this.byId)) return false;
    delete this.byId[id];
    this.count -= 1;
    return true;
  }

  clear(): void {
    this.byId = Object.create(null) as Record<number, Stream>;
    this.count = 0;
  }

  /** Like a Map's: a stream deleted while the walk is under way (a destroyed one) is not visited. */
  forEach(visit: (stream: Stream, id: number, table: this) => void): void {
    for (const [id, stream] of this.entries()) visit(stream, id, this);
  }

  *entries(): IterableIterator<[number, Stream]> {
    for (const key of Object.keys(this.byId)) {
      const id = Number(key);
      if (id in this.byId) yield [id, this.byId[id]];
    }
  }

  *keys(): IterableIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): IterableIterator<Stream> {
    for (const [, stream] of this.entries()) yield stream;
  }

  [Symbol.iterator](): IterableIterator<[number, Stream]> {
    return this.entries();
  }
}

interface SessionState {
  streams: ReadonlyMap<number, unknown> | StreamTable<unknown>;
}

// Node's own Maps and Sets (primordials' SafeMap, SafeSet) are not instances of Map and Set.
const isMapLike = (value: unknown): value is ReadonlyMap<unknown, unknown> =>
  typeof (value as Map<unknown, unknown> | undefined)?.get === 'function' &&
  typeof (value as Map<unknown, unknown>).forEach === 'function';
const isSetLike = (value: unknown): boolean => typeof (value as Set<unknown> | undefined)?.add === 'function';

/**
 * The session's internal state (a symbol-keyed object holding its `streams` Map and `pendingStreams`
 * Set), or undefined when this Node keeps it some other way: then the session is left as it is.
 */
function sessionState(session: Http2.Http2Session): SessionState | undefined {
  const fields = session as unknown as Record<symbol, unknown>;
  for (const key of Object.getOwnPropertySymbols(session)) {
    const value = fields[key] as Partial<Record<'streams' | 'pendingStreams', unknown>> | null;
    if (isMapLike(value?.streams) && isSetLike(value.pendingStreams)) return value as SessionState;
  }
  return undefined;
}

/** Moves a session's streams (none yet, as it is called) into a StreamTable. */
export function tableSessionStreams(session: Http2.Http2Session): void {
  const state = sessionState(session);
  if (state === undefined || state.streams instanceof StreamTable) return;
  const table = new StreamTable<unknown>();
  state.streams.forEach((stream, id) => table.set(id, stream));
  state.streams = table;
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
 * Gives every HTTP/2 server and client session made after this (grpc-js's among them) a StreamTable
 * for its streams. Run once, from the lean-startup preload, before grpc-js is loaded and before any ES
 * module imports node:http2 (its named exports are read then: module.syncBuiltinESMExports would
 * re-read node:http's too, and load undici). A server's sessions get theirs before their first stream
 * ('session' is emitted as the session is made), a client's as `connect` returns it.
 */
export function installHttp2StreamTables(): void {
  const http2 = createRequire(import.meta.url)('node:http2') as typeof Http2;
  const tableServerSessions = (server: Http2.Http2Server) =>
    server.prependListener('session', tableSessionStreams);
  handMadeTo(http2, 'createServer', tableServerSessions);
  handMadeTo(http2, 'createSecureServer', tableServerSessions);
  handMadeTo(http2, 'connect', tableSessionStreams);
}
