import { existsSync, fstatSync } from 'node:fs';
import { z } from 'zod';

// Building blocks for service config schemas read from the environment, where everything is a string.

/** A TCP port; `fallback` is used when the variable is unset. */
export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/**
 * The longest delay Node's timers take: setTimeout and setInterval run a longer one after 1 ms, so a
 * shutdown timeout of 3e9 ms gave up at once and a poll interval that long polled without pause.
 */
export const MAX_TIMER_MS = 2_147_483_647;

const BEYOND_TIMERS = `must be at most ${MAX_TIMER_MS} (about 24.8 days), the longest delay Node's timers take`;

/** A whole number of milliseconds from 1 to MAX_TIMER_MS. */
export const millis = (fallback: number) =>
  z.coerce.number().int().positive().max(MAX_TIMER_MS, BEYOND_TIMERS).default(fallback);

/** A whole number of milliseconds from 0 (whose meaning the setting documents) to MAX_TIMER_MS. */
export const millisOrZero = (fallback: number) =>
  z.coerce.number().int().min(0).max(MAX_TIMER_MS, BEYOND_TIMERS).default(fallback);

/** 'true'/'false' (also 1/0, yes/no). */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A path to a file that must exist. */
export const existingFile = () => z.string().min(1).refine(existsSync, { message: 'file does not exist' });

/** Whether `fd` is open in this process and is a pipe or a socket. */
function isOpenPipe(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false; // not open
  }
}

/** A file descriptor, above stdin, stdout and stderr, that this process inherited open as a pipe. */
export const inheritedPipeFd = () =>
  z.coerce
    .number()
    .int()
    .min(3, { abort: true })
    .refine(isOpenPipe, { message: 'must be a pipe this process inherited open' });
