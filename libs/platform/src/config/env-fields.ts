import { existsSync, fstatSync } from 'node:fs';
import { z } from 'zod';

// Building blocks for service config schemas read from the environment, where everything is a string.

/** A TCP port; `fallback` is used when the variable is unset. */
export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** A positive whole number of milliseconds. */
export const millis = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
