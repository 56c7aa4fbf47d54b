import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth, type TlsSettings } from '@iot-mesh/platform';

/**
 * Polls grpc.health.v1 until the server reports `service` SERVING; false after `timeoutMs` or once
 * `signal` aborts.
 */
export async function waitUntilServing(
  address: string,
  tls: TlsSettings,
  timeoutMs: number,
  service: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !signal?.aborted) {
    if ((await checkHealth(address, tls, service)) === 'SERVING') return true;
    await sleep(200);
  }
  return false;
}
