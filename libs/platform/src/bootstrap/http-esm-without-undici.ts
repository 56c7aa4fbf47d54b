import { createRequire } from 'node:module';

// node:http's exports that load Node's bundled undici when they are read (nodejs/node#57649).
const UNDICI_BACKED_EXPORTS = ['WebSocket', 'CloseEvent', 'MessageEvent'] as const;

/**
 * Builds node:http's ES-module face while its undici-backed exports read as undefined. Node builds that
 * face when node:http is first imported as an ES module (NestJS and our own modules do), and it reads
 * every export to fill it: these three load undici, 12 MiB of resident memory in a bare `node` (README,
 * Benchmarks), for a WebSocket client no service uses. The getters are put back
 * afterwards, so `http.WebSocket` still works; only a named import of these three finds undefined.
 */
export async function importHttpWithoutUndici(): Promise<void> {
  const http = createRequire(import.meta.url)('node:http') as object;
  // Only the exports this Node has: one it lacks must not be left behind as undefined.
  const getters = UNDICI_BACKED_EXPORTS.flatMap((name) => {
    const getter = Object.getOwnPropertyDescriptor(http, name);
    return getter ? [[name, getter] as const] : [];
  });
  for (const [name] of getters) {
    Object.defineProperty(http, name, {
      value: undefined,
      configurable: true,
      enumerable: true,
      writable: true,
    });
  }
  try {
    await import('node:http');
  } finally {
    for (const [name, getter] of getters) Object.defineProperty(http, name, getter);
  }
}
