import { UnavailableError } from '@iot-mesh/platform';
import { ConcurrentChangeError } from '../infrastructure/alert-store.port.js';

const MAX_ATTEMPTS = 3;

/**
 * Runs a read-decide-write use case again when another writer changed what it read. Giving up
 * is UNAVAILABLE: the caller may retry, nothing was written.
 */
export async function retryOnConflict<T>(what: string, attempt: (retry: number) => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      if (retry + 1 >= MAX_ATTEMPTS) {
        throw new UnavailableError('ALERT.CONTENTION', `${what} kept changing concurrently; retry`);
      }
    }
  }
}
