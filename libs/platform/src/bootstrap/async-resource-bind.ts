import { AsyncResource } from 'node:async_hooks';

type Callable = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Makes `AsyncResource#bind` (and so `AsyncResource.bind`) return its bound function without the
 * `asyncResource` accessor Node defines on each one (deprecated, DEP0172): the same call in the
 * resource's async scope, with the same `length`. Node's HTTP/2 client binds every request it sends
 * (grpc-js's calls among them), and a function given its own accessor pair leaves the fast path: under
 * Node 24 that kept each request's stream and what it pointed to alive through the young-generation
 * collections. Over 6 s of load a bare HTTP/2 client promoted 1.2 MB of every 6.8 MB young collection
 * and spent 440 ms in them; with this, nothing and 60-80 ms (README, Benchmarks, round 28). Node's own
 * stream code avoids the method for its cost (internal/streams/end-of-stream). Run once, from the
 * lean-startup preload.
 */
export function bindAsyncResourcesWithoutAccessor(): void {
  AsyncResource.prototype.bind = function bind(this: AsyncResource, fn: Callable, thisArg?: unknown) {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the resource the bound function runs in
    const resource = this;
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return resource.runInAsyncScope(fn, this, ...args);
          }
        : (...args: unknown[]) => resource.runInAsyncScope(fn, thisArg, ...args);
    Object.defineProperty(bound, 'length', { configurable: true, value: fn.length });
    return bound;
  } as AsyncResource['bind'];
}
