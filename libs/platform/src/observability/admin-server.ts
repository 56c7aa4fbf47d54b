import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

const ADMIN_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

export interface AdminServer {
  readonly port: number;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/**
 * The admin HTTP port: /metrics for Prometheus, /healthz (the process is alive) and /readyz
 * (it accepts calls; 503 before start-up completes and from the first moment of shutdown).
 */
export async function startAdminServer(
  registry: Registry,
  port: number,
  host = '0.0.0.0',
): Promise<AdminServer> {
  let ready = false;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    // A path that is not served is a 404 whatever the method; a served one takes only GET and HEAD.
    if (!ADMIN_PATHS.has(path)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('use GET or HEAD\n');
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => response.writeHead(500).end('metrics unavailable\n'),
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      response
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ready\n' : 'not ready\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    setReady: (value) => {
      ready = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
