import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A tiny TCP load balancer in front of one service, like a Kubernetes Service whose endpoints
 * change during a rollout: new connections go round robin to the current endpoints, and
 * connections already open stay where they are until either side closes them, or `cut` drops them all
 * (a network blip or a proxy's reset: e.g. after a request arrived and before its answer went out).
 */
export interface TcpProxy {
  readonly port: number;
  readonly address: string;
  setEndpoints(ports: readonly number[]): void;
  endpoints(): readonly number[];
  /** Connections accepted so far, to check that traffic really went through the proxy. */
  connections(): number;
  /** Drops every open connection at once; new ones are accepted as before. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(initialEndpoints: readonly number[] = []): Promise<TcpProxy> {
  let endpoints = [...initialEndpoints];
  let next = 0;
  let accepted = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    accepted++;
    open.add(client);
    client.once('close', () => open.delete(client));
    if (endpoints.length === 0) {
      // No ready endpoint: the client sees a dropped connection, i.e. UNAVAILABLE.
      client.destroy();
      return;
    }
    const port = endpoints[next++ % endpoints.length];
    const upstream = connect({ host: '127.0.0.1', port });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side going away ends the pair, as a kernel-level proxy would.
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  // Port 0 binds atomically, so no other process can take the port between choosing and binding it.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cut = () => open.forEach((socket) => socket.destroy());
  return {
    port,
    address: `127.0.0.1:${port}`,
    setEndpoints: (ports) => {
      endpoints = [...ports];
    },
    endpoints: () => endpoints,
    connections: () => accepted,
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
