import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth, type TlsSettings } from '@iot-mesh/platform';

/** Polls grpc.health.v1 until the server reports SERVING; false after `timeoutMs`. */
export async function waitUntilServing(
  address: string,
  tls: TlsSettings,
  timeoutMs: number,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await checkHealth(address, tls)) === 'SERVING') return true;
    await sleep(200);
  }
  return false;
}
