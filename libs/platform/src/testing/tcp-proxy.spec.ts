import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { startTcpProxy } from './tcp-proxy.js';

/** A server that answers every connection with its name and closes. */
async function namedServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const ask = (port: number) =>
  new Promise<string>((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(''));
  });

describe('startTcpProxy', () => {
  it('spreads new connections over the endpoints and follows endpoint changes', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    const proxy = await startTcpProxy([a.port, b.port]);
    try {
      expect([await ask(proxy.port), await ask(proxy.port)].sort()).toEqual(['a', 'b']);
      proxy.setEndpoints([b.port]);
      expect([await ask(proxy.port), await ask(proxy.port)]).toEqual(['b', 'b']);
      proxy.setEndpoints([]);
      // No endpoint: the connection is dropped, as a Service without ready pods would.
      expect(await ask(proxy.port)).toBe('');
      expect(proxy.connections()).toBe(5);
    } finally {
      await proxy.close();
      a.server.close();
      b.server.close();
    }
  });
});
