import { createServer } from 'node:net';

// Listening ports are picked below Linux's ephemeral range (32768-60999): a port from that range can be
// taken by any outgoing connection's local end between being picked and being bound, which busy test
// runs (many gRPC connections) hit now and then.
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on loopback that was free a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}

/**
 * Runs `start`, which picks its ports and starts something on them, and runs it again (three times in
 * all) while it fails because a port was taken: another process can bind a picked port before the start
 * does, as parallel test runs pick from the same range.
 */
export async function startOnPickedPorts<T>(
  start: () => Promise<T>,
  portWasTaken: (error: unknown) => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !portWasTaken(error)) throw error;
    }
  }
}
