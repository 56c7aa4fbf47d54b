import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import type { LoadOptions } from './load-options.js';

/**
 * The TLS settings gRPC gets too, for a run's HTTPS connections: the CA that signed the gateway's
 * certificate (a private CA in front of a staging cluster), the client certificate for mTLS and the
 * name the certificate carries. Undefined without TLS settings: the system's roots then.
 */
function tlsConnect(tls: LoadOptions['tls']) {
  if (!tls) return undefined;
  return {
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
  };
}

/**
 * The connections for a run's operator requests over HTTPS (registration, keys, clean-up), with its TLS
 * settings. Undefined without them: undici's global connections then. The caller closes it at the end
 * of the run.
 */
export function httpsDispatcher(tls: LoadOptions['tls']): Agent | undefined {
  const connect = tlsConnect(tls);
  return connect && new Agent({ connect });
}

/**
 * Each device's connections for its REST readings: at most `connectionsPerDevice`, with the run's TLS
 * settings (read once, here). Through undici's global pool the whole fleet opened one connection for
 * every call in flight: 458 for 20 devices at 1,000 readings/s once answers slowed for a moment, each
 * then kept for the gateway's 72 s keep-alive (README, Benchmarks, round 31). Each device's sender
 * closes its own.
 */
export function deviceDispatchers(options: Pick<LoadOptions, 'tls' | 'connectionsPerDevice'>): () => Agent {
  const connect = tlsConnect(options.tls);
  return () => new Agent({ connections: options.connectionsPerDevice, ...(connect ? { connect } : {}) });
}
