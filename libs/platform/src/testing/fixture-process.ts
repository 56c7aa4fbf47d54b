import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess, type SpawnOptions } from './service-process.js';

// The compiled fixture: tests run after the platform is built (the test target depends on build).
const FIXTURE_ENTRY = fileURLToPath(new URL('../../dist/testing/fixture/main.js', import.meta.url));

/** Starts the platform's fixture service as a real process; it logs every call at debug level. */
export function startFixture(options: Omit<SpawnOptions, 'entry'> = {}): Promise<ServiceProcess> {
  return spawnService({ entry: FIXTURE_ENTRY, ...options, env: { LOG_LEVEL: 'debug', ...options.env } });
}
