import { createServer } from 'node:net';

// Listening ports are picked below Linux's ephemeral range (32768-60999): a port from that range can be
// taken by any outgoing connection's local end between being picked and being bound, which busy test
// runs (many gRPC connections) hit now and then.
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

/**
 * Such a port can still be taken by another process before the service binds it (parallel test runs pick
 * from the same range). A service that exits saying so is started again on other ports, this many times in all.
 */
export const PICKED_PORT_TRIES = 3;

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
