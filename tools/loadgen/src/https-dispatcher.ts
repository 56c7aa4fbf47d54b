import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import type { LoadOptions } from './load-options.js';

/**
 * The connections for every HTTPS request of a run (the operator API and REST readings), with the
 * TLS settings gRPC gets too: the CA that signed the gateway's certificate (a private CA in front
 * of a staging cluster), the client certificate for mTLS and the name the certificate carries.
 * Undefined without TLS settings: undici's global connections then, trusting the system's roots.
 * The caller closes it at the end of the run.
 */
export function httpsDispatcher(tls: LoadOptions['tls']): Agent | undefined {
  if (!tls) return undefined;
  return new Agent({
    connect: {
      ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
      ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
      ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
    },
  });
}
