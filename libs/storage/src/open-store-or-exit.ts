import { describeStorage } from './database.js';
import type { StorageSettings } from './storage-settings.js';

/** Exit code of a service whose store cannot be opened: EX_UNAVAILABLE from sysexits.h. */
export const STORE_UNAVAILABLE_EXIT_CODE = 69;

/**
 * Opens a service's store at start-up. When it cannot be opened (a data directory that is a file, a
 * PostgreSQL server that refuses, a failed migration) the process says so in one line, naming the
 * store, and exits with STORE_UNAVAILABLE_EXIT_CODE, instead of dying of an uncaught stack trace.
 */
export async function openStoreOrExit<Store>(
  settings: StorageSettings,
  open: (settings: StorageSettings) => Promise<Store>,
): Promise<Store> {
  try {
    return await open(settings);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cannot open the store at ${describeStorage(settings)}: ${reason}\n`);
    process.exit(STORE_UNAVAILABLE_EXIT_CODE);
  }
}
