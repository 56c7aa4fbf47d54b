import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LoadOptions } from './load-options.js';

/** A run's connections to the gateway: a keep-alive `node:http` agent, or `node:https` for https: URLs. */
export type GatewayAgent = HttpAgent;

/**
 * The TLS settings gRPC gets too, for a run's HTTPS connections: the CA that signed the gateway's
 * certificate (a private CA in front of a staging cluster), the client certificate for mTLS and the
 * name the certificate carries. Empty without TLS settings: the system's roots then.
 */
function tlsSettings(tls: LoadOptions['tls']) {
  if (!tls) return {};
  return {
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
  };
}

/**
 * Makes keep-alive agents for the gateway at `baseUrl`, reading the TLS files once, here; each agent
 * opens at most `maxSockets` connections (no bound when undefined) and queues the requests beyond.
 */
function gatewayAgents(baseUrl: string, tls: LoadOptions['tls']): (maxSockets?: number) => GatewayAgent {
  if (new URL(baseUrl).protocol !== 'https:') {
    return (maxSockets) => new HttpAgent({ keepAlive: true, ...(maxSockets ? { maxSockets } : {}) });
  }
  const settings = tlsSettings(tls);
  return (maxSockets) =>
    new HttpsAgent({ keepAlive: true, ...settings, ...(maxSockets ? { maxSockets } : {}) });
}

/**
 * The connections for a run's operator requests (registration, keys, clean-up), with its TLS settings.
 * The caller destroys it at the end of the run.
 */
export function operatorAgent(options: Pick<LoadOptions, 'httpBaseUrl' | 'tls'>): GatewayAgent {
  return gatewayAgents(options.httpBaseUrl, options.tls)();
}

/**
 * Each device's connections for its REST readings: at most `connectionsPerDevice`, with the run's TLS
 * settings (read once, here). Through one shared pool the whole fleet opened one connection for every
 * call in flight: 458 for 20 devices at 1,000 readings/s once answers slowed for a moment, each then
 * kept for the gateway's 72 s keep-alive (README, Benchmarks, round 31). Each device's sender destroys
 * its own.
 */
export function deviceAgents(
  options: Pick<LoadOptions, 'httpBaseUrl' | 'tls' | 'connectionsPerDevice'>,
): () => GatewayAgent {
  const agents = gatewayAgents(options.httpBaseUrl, options.tls);
  return () => agents(options.connectionsPerDevice);
}
