import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from './eventually.js';

export interface RunningAhead {
  /** The service's count of stream messages read and not yet answered (its gauge). */
  pending(): Promise<number>;
  /** Sends the stream's first message. */
  sendFirst(): void;
  /** Sends the rest, more than the service's read-ahead limit. */
  sendRest(): void;
  limit: number;
}

/**
 * For a service that cannot answer yet: sends the first message alone (so that the stream's handler
 * is running before the rest arrive), then the rest, waits until `limit` are read, and returns how many
 * are pending a second later. Given that time, a service that read on would have taken them all.
 */
export async function pendingAfterRunningAhead(stream: RunningAhead): Promise<number> {
  stream.sendFirst();
  await eventually(
    async () => ((await stream.pending()) === 1 ? true : undefined),
    'the first message to be read',
  );
  stream.sendRest();
  await eventually(
    async () => ((await stream.pending()) >= stream.limit ? true : undefined),
    'the stream to be read up to its limit',
  );
  await sleep(1_000);
  return stream.pending();
}
