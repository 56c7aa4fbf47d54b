import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
}

export interface GatewayProxyHooks {
  /** Awaited before the call is passed on: a test holds a call here until it has done something. */
  beforeForward?: (call: ProxiedCall) => Promise<void> | void;
  /** Once the gateway has answered, before the answer goes back. */
  onAnswer?: (call: ProxiedCall, status: number) => void;
}

/**
 * A plain HTTP proxy on loopback before the gateway's REST port, which lets a test act at a known
 * point of a run (the first key request, the third answered batch) instead of after a guessed delay.
 */
export async function startGatewayProxy(gatewayBaseUrl: string, hooks: GatewayProxyHooks) {
  const gateway = new URL(gatewayBaseUrl);
  const server = createServer((req, res) => {
    const call = { method: req.method ?? '', path: req.url ?? '' };
    void Promise.resolve(hooks.beforeForward?.(call)).then(() => {
      const upstream = request(
        {
          host: gateway.hostname,
          port: gateway.port,
          method: call.method,
          path: call.path,
          headers: req.headers,
        },
        (answer) => {
          hooks.onAnswer?.(call, answer.statusCode ?? 0);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
