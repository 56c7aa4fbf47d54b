import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import type { PrivateCa } from './private-ca.js';

export interface TlsFrontOptions {
  /** What the front speaks: 'http/1.1' before the gateway's HTTP port, 'h2' before its gRPC port. */
  alpn: 'http/1.1' | 'h2';
  /** Refuse clients without a certificate from the CA (mTLS). */
  requireClientCert?: boolean;
}

/**
 * TLS on loopback in front of a plain port, as a cluster's ingress terminates it: the server
 * certificate of a private CA, the bytes passed through as they are.
 */
export async function startTlsFront(target: string, ca: PrivateCa, options: TlsFrontOptions) {
  const { hostname, port } = new URL(`tcp://${target}`);
  const server = createServer(
    {
      cert: readFileSync(ca.serverCertFile),
      key: readFileSync(ca.serverKeyFile),
      ALPNProtocols: [options.alpn],
      ...(options.requireClientCert
        ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(ca.caFile) }
        : {}),
    },
    (client) => {
      const upstream = connect(Number(port), hostname);
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
