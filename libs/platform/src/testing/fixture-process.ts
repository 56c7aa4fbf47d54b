import { fileURLToPath } from 'node:url';
import { serviceV8Args } from '../bootstrap/service-node-args.js';
import { serviceOfEntry, spawnService, type ServiceProcess, type SpawnOptions } from './service-process.js';

// The compiled fixture: tests run after the platform is built (the test target depends on build).
const FIXTURE_ENTRY = fileURLToPath(new URL('../../dist/testing/fixture/main.js', import.meta.url));

/** The V8 settings (heap, compilers) the fixture runs with, as spawnService picks them from its entry. */
export const FIXTURE_V8_ARGS: readonly string[] = serviceV8Args(serviceOfEntry(FIXTURE_ENTRY));

/** Starts the platform's fixture service as a real process; it logs every call at debug level. */
export function startFixture(options: Omit<SpawnOptions, 'entry'> = {}): Promise<ServiceProcess> {
  return spawnService({ entry: FIXTURE_ENTRY, ...options, env: { LOG_LEVEL: 'debug', ...options.env } });
}
