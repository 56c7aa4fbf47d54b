import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it yields a value; throws after `timeoutMs` naming what it waited for. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      // A probe may fail while a service is restarting; keep polling until the deadline.
      lastError = error;
    }
    await sleep(100);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
