import { setTimeout as sleep } from 'node:timers/promises';
import { probeHealth, type TlsSettings } from '@iot-mesh/platform';

export interface ServingWait {
  serving: boolean;
  /** What the last health check got instead: the call's error (a refused connection, a failed TLS handshake) or the state. */
  lastError?: string;
}

/**
 * Polls grpc.health.v1 until the server reports `service` SERVING; not serving after `timeoutMs` or
 * once `signal` aborts.
 */
export async function waitUntilServing(
  address: string,
  tls: TlsSettings,
  timeoutMs: number,
  service: string,
  signal?: AbortSignal,
): Promise<ServingWait> {
  const until = Date.now() + timeoutMs;
  let lastError: string | undefined;
  while (Date.now() < until && !signal?.aborted) {
    const probe = await probeHealth(address, tls, service);
    if (probe.state === 'SERVING') return { serving: true };
    lastError = probe.error ?? `the server answered ${probe.state}`;
    await sleep(200);
  }
  return { serving: false, ...(lastError ? { lastError } : {}) };
}
